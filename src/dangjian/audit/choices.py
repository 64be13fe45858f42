from django.db import models


class AuditAction(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DEACTIVATE = "deactivate", "停用/注销"
    MOVE = "move", "隶属关系调整"
    TRANSFER = "transfer", "组织关系转接"
    IMPORT = "import", "导入"
    EXPORT = "export", "导出"
    VIEW_PI = "view_pi", "查看完整个人信息"
    LOGIN = "login", "登录成功"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出登录"
    LOCKOUT = "lockout", "账号锁定"
    PASSWORD_CHANGE = "password_change", "修改密码"
    GRANT = "grant", "授权变更"
    OVERRIDE = "override", "规则例外"
