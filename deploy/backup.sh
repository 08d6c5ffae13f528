#!/usr/bin/env bash
# Back up the Denkna database: deploy/backup.sh DATABASE_URL BACKUP_FILE
#
#   SQLite      sqlite+aiosqlite:////srv/denkna/var/denkna.sqlite3   -> a consistent copy made
#               with SQLite's online backup (safe while the server runs), checked with
#               PRAGMA integrity_check
#   PostgreSQL  postgresql+asyncpg://denkna@db.example/denkna          -> pg_dump custom format
#
# The backup holds comments, author names and password hashes: it is written 0600. Restore
# with deploy/restore.sh (docs/deploy.md). PYTHON (default: the venv's python next to this
# repository, else python3) runs the SQLite backup.
set -euo pipefail
umask 077
if [ $# -ne 2 ]; then
  echo "gebruik: $0 DATABASE_URL BACKUPBESTAND" >&2
  exit 2
fi
url="$1"
out="$2"
here="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-$([ -x "$here/.venv/bin/python" ] && echo "$here/.venv/bin/python" || echo python3)}"

case "$url" in
  sqlite*)
    src="${url#*:///}"
    [ -f "$src" ] || { echo "fout: databasebestand $src bestaat niet" >&2; exit 1; }
    "$PYTHON" - "$src" "$out" <<'PY'
import sqlite3, sys
src, out = sys.argv[1], sys.argv[2]
with sqlite3.connect(f"file:{src}?mode=ro", uri=True) as source, sqlite3.connect(out) as target:
    source.backup(target)
    ok = target.execute("PRAGMA integrity_check").fetchone()[0]
if ok != "ok":
    sys.exit(f"fout: de back-up is niet in orde ({ok})")
PY
    ;;
  postgresql*)
    libpq="postgresql://${url#*://}"
    pg_dump --format=custom --no-owner --file="$out" "$libpq"
    ;;
  *)
    echo "fout: onbekende database-URL (verwacht sqlite+aiosqlite:///... of postgresql+asyncpg://...)" >&2
    exit 2
    ;;
esac
chmod 600 "$out"
echo "back-up geschreven naar $out"
