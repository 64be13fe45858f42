"""Word pools for synthetic data: place names, units, job titles and the weights that shape the roster.

Everything here is fictitious but plausible for a county of 河北唐山 (the 丰南 report in the seeds).
Weights are relative, not percentages.
"""

from dangjian.members.choices import Education, MemberCategory
from dangjian.organizations.choices import UnitCategory

# The county of the demo and county scales; the city scale adds its neighbours under a 市委.
CITY = ("唐山市", "130200")
COUNTIES = [
    ("丰南县", "130207"),
    ("丰润县", "130208"),
    ("滦南县", "130224"),
    ("乐亭县", "130225"),
    ("迁西县", "130227"),
    ("玉田县", "130229"),
    ("遵化县", "130281"),
    ("迁安县", "130283"),
    ("滦县", "130284"),
    ("曹妃甸县", "130209"),
]
# Birthplace area codes of the 身份证号: mostly the county itself, some its neighbours.
NEIGHBOUR_AREA_CODES = ["130202", "130203", "130204", "130205", "130281", "130283", "131002", "120225"]

DEMO_TOWNS = ["稻地镇", "黄各庄镇", "唐坊镇"]
TOWN_HEADS = "稻黄唐西钱柳王尖南东小大胡宋沙石新马杨侯高岔银"
TOWN_TAILS = ["地", "各庄", "坊", "葛", "营", "树", "兰庄", "字沽", "孙庄", "田庄", "集", "新庄", "河", "坨"]
VILLAGE_HEADS = list("王李张刘赵孙杨马胡宋高郑侯邢董石柳沙东西南北前后大小新老河榆杏")
VILLAGE_TAILS = ["庄", "家庄", "各庄", "营", "坨", "店", "官庄", "庄子", "寨", "屯", "港", "桥", "窝", "堡"]
COMMUNITY_NAMES = ["幸福里", "和平", "光明", "建设", "康泰", "惠民", "文化路", "新华", "朝阳", "东方"]

# 县直机关: one 机关 branch each (unit_category government unless stated).
DEPARTMENTS = (
    "县委办公室 县政府办公室 县委组织部 县委宣传部 县委统战部 县委政法委 县纪委监委 县人大常委会机关 "
    "县政协机关 县发展和改革局 县财政局 县人力资源和社会保障局 县自然资源和规划局 县住房和城乡建设局 "
    "县交通运输局 县农业农村局 县水务局 县商务局 县文化广电和旅游局 县应急管理局 县审计局 "
    "县市场监督管理局 县统计局 县医疗保障局 县信访局 县民政局 县司法局 县退役军人事务局 县行政审批局 "
    "县城市管理综合执法局 县林业局 县生态环境分局 县委党校 县档案馆 共青团县委 县妇联 县总工会 县科协 "
    "县残联 县供销社 县融媒体中心 县住房公积金中心 县公安局 县人民法院 县人民检察院 县税务局 县气象局 "
    "县机关事务服务中心 县委机要局 县委编办 县工商联 县红十字会 县科学技术局 县工业和信息化局 "
    "县粮食和物资储备局 县国有资产管理中心 县地震局 县农业综合执法大队 县不动产登记中心 县公共资源交易中心"
).split()
HOSPITALS = ["县人民医院", "县中医医院", "县妇幼保健院"]
HEALTH_UNITS = ["县疾病预防控制中心", "县卫生健康局机关", "县急救中心", "县卫生监督所"]
STATE_ENTERPRISES = (
    "县自来水公司 县供热公司 县城市建设投资集团 县交通投资公司 县国有林场 县粮食购销公司 县公交公司 "
    "县农业发展投资公司 县文化旅游投资公司 县热电公司 县燃气公司 县水利工程公司 县物资公司 县医药公司 "
    "县印刷厂"
).split()
ENTERPRISE_HEADS = list("鑫华盛泰恒通宏远兴达永丰瑞祥金源新隆")
ENTERPRISE_TAILS = [
    "钢铁有限公司",
    "机械制造有限公司",
    "建材有限公司",
    "食品有限公司",
    "物流有限公司",
    "纺织有限公司",
    "化工有限公司",
    "农业科技有限公司",
    "电子科技有限公司",
    "建筑工程有限公司",
]
SOCIAL_ORGANIZATIONS = ["县个体劳动者协会", "县律师协会", "县社会工作协会", "县物流行业协会", "县志愿者协会"]
INDEPENDENT_SCHOOLS = (
    "县第一中学 县第二中学 县第三中学 县职业技术教育中心 县实验小学 县第二实验小学 县实验中学 "
    "县特殊教育学校 县第一幼儿园 县第二幼儿园 县教师发展中心 县第四中学 县第五中学 县第六中学 "
    "县第七中学 县第三实验小学 县第四实验小学 县第三幼儿园 县体育运动学校 县第八中学"
).split()
PRIVATE_SCHOOLS = ["英才实验学校", "博文学校", "育红双语学校", "启明学校"]
SCHOOLS_UNDER_CENTER = ["中心小学", "第二小学", "第三小学", "中学", "第二中学", "中心幼儿园", "第四小学"]

# 人员类别 by 单位类别, with relative weights.
CATEGORY_WEIGHTS = {
    UnitCategory.GOVERNMENT: {
        MemberCategory.CIVIL_SERVANT: 82,
        MemberCategory.WORKER: 5,
        MemberCategory.RETIRED: 13,
    },
    UnitCategory.INSTITUTION: {
        MemberCategory.PROFESSIONAL: 60,
        MemberCategory.MANAGER: 18,
        MemberCategory.WORKER: 7,
        MemberCategory.RETIRED: 15,
    },
    UnitCategory.SCHOOL: {
        MemberCategory.PROFESSIONAL: 78,
        MemberCategory.MANAGER: 9,
        MemberCategory.WORKER: 3,
        MemberCategory.RETIRED: 10,
    },
    UnitCategory.RURAL: {
        MemberCategory.FARMER: 78,
        MemberCategory.OTHER: 10,
        MemberCategory.WORKER: 4,
        MemberCategory.RETIRED: 8,
    },
    UnitCategory.COMMUNITY: {
        MemberCategory.RETIRED: 52,
        MemberCategory.OTHER: 24,
        MemberCategory.WORKER: 10,
        MemberCategory.PROFESSIONAL: 8,
        MemberCategory.MANAGER: 6,
    },
    UnitCategory.STATE_ENTERPRISE: {
        MemberCategory.WORKER: 42,
        MemberCategory.MANAGER: 25,
        MemberCategory.PROFESSIONAL: 21,
        MemberCategory.RETIRED: 12,
    },
    UnitCategory.PRIVATE_ENTERPRISE: {
        MemberCategory.WORKER: 40,
        MemberCategory.MANAGER: 30,
        MemberCategory.PROFESSIONAL: 25,
        MemberCategory.OTHER: 5,
    },
    UnitCategory.SOCIAL_ORGANIZATION: {
        MemberCategory.OTHER: 50,
        MemberCategory.PROFESSIONAL: 30,
        MemberCategory.MANAGER: 20,
    },
}
RETIREE_BRANCH_WEIGHTS = {MemberCategory.RETIRED: 100}

# 工作岗位 by 人员类别, refined by 单位类别 where the unit says more.
JOB_TITLES = {
    (MemberCategory.PROFESSIONAL, UnitCategory.SCHOOL): (
        "语文教师 数学教师 英语教师 物理教师 化学教师 生物教师 历史教师 地理教师 道德与法治教师 "
        "体育教师 音乐教师 美术教师 信息技术教师 班主任 幼儿教师 心理健康教师"
    ).split(),
    (MemberCategory.MANAGER, UnitCategory.SCHOOL): [
        "校长",
        "副校长",
        "教导主任",
        "政教主任",
        "总务主任",
        "园长",
    ],
    (MemberCategory.PROFESSIONAL, UnitCategory.INSTITUTION): (
        "主治医师 副主任医师 护士 护师 药剂师 检验师 公共卫生医师 工程师 会计"
    ).split(),
    (MemberCategory.PROFESSIONAL, UnitCategory.COMMUNITY): ["社区医生", "社区工作者", "会计"],
    MemberCategory.CIVIL_SERVANT: (
        "一级科员 二级科员 四级主任科员 三级主任科员 二级主任科员 股长 副科长 科长 办公室主任 副局长"
    ).split(),
    MemberCategory.FARMER: (
        "村民 种植户 养殖户 果农 菜农 农机手 村委会委员 村会计 村妇女主任 合作社社员 家庭农场主"
    ).split(),
    MemberCategory.WORKER: "技术工人 电工 焊工 操作工 维修工 驾驶员 后勤服务 仓库管理员".split(),
    MemberCategory.MANAGER: "部门经理 车间主任 副总经理 办公室主任 项目经理 财务主管 人事主管".split(),
    MemberCategory.PROFESSIONAL: "工程师 助理工程师 会计师 技术员 设计师 质检员".split(),
    MemberCategory.OTHER: "个体工商户 社区网格员 自由职业 外出务工 返乡创业人员 社会组织工作人员".split(),
    (MemberCategory.RETIRED, UnitCategory.SCHOOL): ["退休教师"],
    (MemberCategory.RETIRED, UnitCategory.GOVERNMENT): ["退休干部"],
    (MemberCategory.RETIRED, UnitCategory.RURAL): ["退休干部", "退休教师", "退休职工"],
    MemberCategory.RETIRED: ["退休职工", "退休干部"],
}
SECRETARY_JOB_TITLES = {
    UnitCategory.RURAL: "村党支部书记、村委会主任",
    UnitCategory.COMMUNITY: "社区党支部书记、居委会主任",
    UnitCategory.SCHOOL: "党支部书记、校长",
}

EDUCATION_WEIGHTS = {
    MemberCategory.CIVIL_SERVANT: {
        Education.POSTGRADUATE: 14,
        Education.BACHELOR: 64,
        Education.COLLEGE: 19,
        Education.SECONDARY: 3,
    },
    MemberCategory.PROFESSIONAL: {
        Education.POSTGRADUATE: 9,
        Education.BACHELOR: 60,
        Education.COLLEGE: 26,
        Education.SECONDARY: 5,
    },
    MemberCategory.MANAGER: {
        Education.POSTGRADUATE: 8,
        Education.BACHELOR: 50,
        Education.COLLEGE: 30,
        Education.SECONDARY: 12,
    },
    MemberCategory.WORKER: {
        Education.BACHELOR: 5,
        Education.COLLEGE: 20,
        Education.SECONDARY: 50,
        Education.JUNIOR: 25,
    },
    MemberCategory.FARMER: {Education.COLLEGE: 4, Education.SECONDARY: 28, Education.JUNIOR: 68},
    MemberCategory.OTHER: {
        Education.BACHELOR: 12,
        Education.COLLEGE: 25,
        Education.SECONDARY: 38,
        Education.JUNIOR: 25,
    },
    MemberCategory.RETIRED: {
        Education.BACHELOR: 14,
        Education.COLLEGE: 20,
        Education.SECONDARY: 34,
        Education.JUNIOR: 32,
    },
}

# (mean, standard deviation, lowest, highest) age by 人员类别: members 18-90, most 35-65.
AGE_SHAPE = {
    MemberCategory.RETIRED: (70, 8, 56, 90),
    MemberCategory.FARMER: (57, 13, 23, 88),
    MemberCategory.OTHER: (46, 11, 22, 75),
}
WORKING_AGE_SHAPE = (44, 9, 23, 59)
# Share of men by 人员类别 (the party is about 70 % men; schools and communities less so).
MALE_SHARE = {
    MemberCategory.PROFESSIONAL: 0.45,
    MemberCategory.FARMER: 0.82,
    MemberCategory.CIVIL_SERVANT: 0.66,
    MemberCategory.RETIRED: 0.72,
    MemberCategory.WORKER: 0.75,
}
DEFAULT_MALE_SHARE = 0.62

# 民族: mostly 汉族; 满族 and 回族 are the largest minorities in 唐山.
MINORITY_WEIGHTS = {"满族": 55, "回族": 25, "蒙古族": 10, "朝鲜族": 4, "壮族": 3, "土家族": 3}
MINORITY_SHARE = 0.05

MOBILE_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 150 151 152 155 156 157 158 159 166 176 177 178 180 "
    "181 182 183 185 186 187 188 189 198 199"
).split()

# Two-character given names: a generation character by birth decade, then one from Faker's pool.
GENERATION_CHARS = {
    1930: "德玉振国宝秀淑凤",
    1940: "建国振德玉秀淑桂",
    1950: "建国卫红秀淑玉立",
    1960: "建卫红志海丽秀春",
    1970: "志海立晓春丽红永",
    1980: "晓海俊立伟丽文雪",
    1990: "子晓宇佳思雨梦俊",
    2000: "子宇浩佳思雨欣梓",
}
