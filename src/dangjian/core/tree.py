"""Helpers on materialized paths (treebeard MP_Node, steplen 4, alphabet 0-9A-Z).

A subtree is one range condition on the indexed `path` column: every descendant path starts with the
ancestor's path, so it lies between that path and the path padded with the alphabet's last character.
Unlike LIKE 'prefix%', a range uses the b-tree index on SQLite and on PostgreSQL in any collation
(paths are upper-case alphanumerics, which every collation orders the same way).
"""

from django.db.models import Q

PATH_MAX_LENGTH = 255
STEPLEN = 4
LAST_CHAR = "Z"


def subtree_bounds(path: str) -> tuple[str, str]:
    """(low, high) such that low <= p <= high holds exactly for `path` and its descendants."""
    return path, path + LAST_CHAR * (PATH_MAX_LENGTH - len(path))


def subtree_q(path: str, field: str = "path") -> Q:
    """Q for the subtree rooted at `path`, on the path column reached by `field`."""
    return Q(**{f"{field}__range": subtree_bounds(path)})


def ancestor_paths(path: str) -> list[str]:
    """Paths of every ancestor of `path`, root first, excluding `path` itself."""
    return [path[:end] for end in range(STEPLEN, len(path), STEPLEN)]
