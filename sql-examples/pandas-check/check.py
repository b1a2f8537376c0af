"""pandas against a running Annals server through the thin driver jar alone, over JPype's DB-API
(the layer JayDeBeApi wraps): reads events whole, in 4 ranges of global_seq, and with a query
with a parameter, and checks every count against SQL's COUNT(*). Exits 1 if any differs.

    python3 sql-examples/pandas-check/check.py [jdbc:annals://host:port] [path/to/annals-jdbc.jar]

Needs pandas and JPype (Debian: apt install python3-pandas python3-jpype; elsewhere: pip install
pandas JPype1) and a server (./annals demo).
"""
import glob
import os
import sys
import warnings

import jpype
import jpype.dbapi2 as dbapi2
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
URL = sys.argv[1] if len(sys.argv) > 1 else "jdbc:annals://127.0.0.1:8765"
JARS = [j for j in glob.glob(os.path.join(ROOT, "jdbc-driver", "target", "annals-jdbc-*.jar"))
        if not os.path.basename(j).startswith("original-")]
JAR = sys.argv[2] if len(sys.argv) > 2 else (JARS[0] if JARS else None)
if JAR is None or not os.path.isfile(JAR):
    sys.exit("the driver jar is missing: build it with mvn -DskipTests package, or give its path")

# Debian's python3-jpype keeps its own support jar apart and does not put it on the class path.
DEBIAN_JPYPE = "/usr/share/java/org.jpype.jar"
jpype.startJVM(classpath=[JAR] + ([DEBIAN_JPYPE] if os.path.isfile(DEBIAN_JPYPE) else []))
# pandas prefers SQLAlchemy connections and warns for any other DB-API connection; this is one.
warnings.filterwarnings("ignore", message=".*SQLAlchemy.*")
failures = []


def same(what, pandas_value, sql_value):
    ok = pandas_value == sql_value
    print(("OK   " if ok else "DIFF ") + what + ": pandas " + str(pandas_value) + ("" if ok else ", SQL " + str(sql_value)))
    if not ok:
        failures.append(what)


with dbapi2.connect(URL, driver="org.annals.jdbc.Driver") as conn:
    def sql_count(query, params=()):
        with conn.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchone()[0]

    events = sql_count("SELECT COUNT(*) FROM events")
    whole = pd.read_sql("SELECT global_seq, stream_name, event_type, recorded_at, payload FROM events", conn)
    same("events whole, rows", len(whole), events)
    same("events whole, distinct global_seq", whole["global_seq"].nunique(), events)

    low = sql_count("SELECT MIN(global_seq) FROM events")
    high = sql_count("SELECT MAX(global_seq) FROM events") + 1
    step = (high - low + 3) // 4
    parts = [pd.read_sql("SELECT global_seq FROM events WHERE global_seq >= ? AND global_seq < ?", conn,
                         params=(start, min(start + step, high)))
             for start in range(low, high, step)]
    same("events in %d ranges of global_seq, rows" % len(parts), sum(len(p) for p in parts), events)

    placed = pd.read_sql("SELECT entity_id, JSON_VALUE(payload, '$.amount' RETURNING DECIMAL(12, 2)) AS amount"
                         " FROM events WHERE event_type = ?", conn, params=("OrderPlaced",))
    same("query with a parameter (orders placed), rows", len(placed),
         sql_count("SELECT COUNT(*) FROM events WHERE event_type = ?", ("OrderPlaced",)))

    by_type = whole.groupby("event_type").size().to_dict()
    with conn.cursor() as cursor:
        cursor.execute("SELECT event_type, COUNT(*) FROM events GROUP BY event_type")
        sql_by_type = {row[0]: row[1] for row in cursor.fetchall()}
    same("rows per event_type, %d types" % len(sql_by_type), by_type, sql_by_type)
    same("recorded_at read as a timestamp", str(whole["recorded_at"].dtype).startswith("datetime64"), True)

if failures:
    print("FAILED: " + "; ".join(failures))
    sys.exit(1)
print("every count pandas read matches SQL's")
