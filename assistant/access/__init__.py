"""Access: who may use the assistant, which workspaces they may see, what they kept, how often they may ask.

Modules (import them directly; this package re-exports nothing):

* ``accounts.py`` — user accounts: argon2 password hashes, roles, password policy, lockout;
* ``workspaces.py`` — workspaces and their members, the :class:`Principal` every library call
  takes, and the one access rule (``require_access``, ``scoped_retriever``, ``checked_ingest``);
* ``history.py`` — each user's saved conversations and drafts, per workspace;
* ``ratelimit.py`` — the per-user sliding-window limit on asking and drafting.

All four keep their rows in the app database (``assistant/storage.py``, SQLite in WAL mode).
"""
