#!/usr/bin/env bash
# Restore a backup of deploy/backup.sh into a fresh database: deploy/restore.sh BACKUP_FILE DATABASE_URL
#
#   SQLite      the file named in the URL must not exist yet (stop the server, move the broken
#               file aside); the backup is checked and copied there 0600
#   PostgreSQL  the database must exist and be empty (createdb); pg_restore fills it
#
# Start the server afterwards: it runs the migrations a newer version needs.
set -euo pipefail
umask 077
if [ $# -ne 2 ]; then
  echo "gebruik: $0 BACKUPBESTAND DATABASE_URL" >&2
  exit 2
fi
backup="$1"
url="$2"
[ -f "$backup" ] || { echo "fout: back-up $backup bestaat niet" >&2; exit 1; }
here="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-$([ -x "$here/.venv/bin/python" ] && echo "$here/.venv/bin/python" || echo python3)}"

case "$url" in
  sqlite*)
    dest="${url#*:///}"
    if [ -e "$dest" ]; then
      echo "fout: $dest bestaat al; zet dat bestand eerst opzij (server gestopt)" >&2
      exit 1
    fi
    mkdir -p "$(dirname "$dest")"
    "$PYTHON" - "$backup" "$dest" <<'PY'
import sqlite3, sys
backup, dest = sys.argv[1], sys.argv[2]
with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as source:
    ok = source.execute("PRAGMA integrity_check").fetchone()[0]
    if ok != "ok":
        sys.exit(f"fout: de back-up is niet in orde ({ok})")
    with sqlite3.connect(dest) as target:
        source.backup(target)
PY
    chmod 600 "$dest"
    ;;
  postgresql*)
    libpq="postgresql://${url#*://}"
    pg_restore --no-owner --exit-on-error --dbname="$libpq" "$backup"
    ;;
  *)
    echo "fout: onbekende database-URL (verwacht sqlite+aiosqlite:///... of postgresql+asyncpg://...)" >&2
    exit 2
    ;;
esac
echo "back-up teruggezet in $url"
