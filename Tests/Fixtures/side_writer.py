#!/usr/bin/env python3
"""An application writing one side's database, as the sync tests need it:
a separate process using Python's own sqlite3 module, knowing nothing about
Tandem. Writes the sample maps' tables (tandem.samples plugin).

  side_writer.py DB SIDE --mode notes --ops 500 --seed 1 --keys 200
  side_writer.py DB SIDE --mode notes --until-file STOP --rate 300
  side_writer.py DB SIDE --mode sequence --key 7 --ops 100      # updates one key 100 times, in order

--journal FILE appends, after each COMMIT, one JSON line per statement of
the transaction that changed a row: {"key": K, "op": "upsert"|"null"|
"delete", "value": TEXT}. The crash soak checks the sides' final rows
against these journals, not against the engine's own view.
"""
import json
import argparse
import os
import random
import sqlite3
import sys
import time

TABLES = {
    "erp": {"notes": ("Notes", "NOTEID", "TEXT")},
    "crm": {"notes": ("annotation", "annotationid", "notetext")},
}


def connect(path):
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, like an application would.
    return sqlite3.connect(path, timeout=60, isolation_level=None)


def random_text(rng):
    alphabets = ["abcdefghij", "ÄÖÜßéè", "日本語テキスト", "Ελληνικά", "кириллица", "🙂🚀"]
    return "".join(rng.choice(rng.choice(alphabets)) for _ in range(rng.randint(1, 24)))


def write_notes(db, side, args, rng):
    table, key, text = TABLES[side]["notes"]
    journal = open(args.journal, "a", encoding="utf-8") if args.journal else None
    done = 0
    deadline_check = args.until_file
    while True:
        if deadline_check:
            if os.path.exists(deadline_check):
                break
        elif done >= args.ops:
            break
        statements = rng.randint(1, 4)
        db.execute("BEGIN IMMEDIATE")
        written = []
        for _ in range(statements):
            k = rng.randint(1, args.keys)
            roll = rng.random()
            if roll < 0.12:
                cursor = db.execute(f"DELETE FROM {table} WHERE {key} = ?", (k,))
                entry = {"key": k, "op": "delete", "value": None}
            elif roll < 0.2:
                cursor = db.execute(f"UPDATE {table} SET {text} = NULL WHERE {key} = ?", (k,))
                entry = {"key": k, "op": "null", "value": None}
            else:
                value = f"{side}-{done}-{random_text(rng)}"
                cursor = db.execute(
                    f"INSERT INTO {table} ({key}, {text}) VALUES (?, ?) "
                    f"ON CONFLICT ({key}) DO UPDATE SET {text} = excluded.{text}",
                    (k, value),
                )
                entry = {"key": k, "op": "upsert", "value": value}
            # Only statements that changed a row: a delete or update of a missing row wrote nothing.
            if cursor.rowcount > 0:
                written.append(entry)
            done += 1
        db.execute("COMMIT")
        if journal:
            for entry in written:
                journal.write(json.dumps(entry, ensure_ascii=False) + "\n")
            journal.flush()
        if args.rate:
            time.sleep(statements / args.rate)
    return done


def write_sequence(db, side, args):
    table, key, text = TABLES[side]["notes"]
    db.execute(f"INSERT OR IGNORE INTO {table} ({key}, {text}) VALUES (?, ?)", (args.key, "v0"))
    for i in range(1, args.ops + 1):
        db.execute(f"UPDATE {table} SET {text} = ? WHERE {key} = ?", (f"v{i}", args.key))
    return args.ops + 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("side", choices=["erp", "crm"])
    parser.add_argument("--mode", choices=["notes", "sequence"], default="notes")
    parser.add_argument("--ops", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keys", type=int, default=100)
    parser.add_argument("--key", type=int, default=1)
    parser.add_argument("--rate", type=float, default=0)
    parser.add_argument("--until-file")
    parser.add_argument("--journal")
    args = parser.parse_args()
    db = connect(args.db)
    rng = random.Random(args.seed)
    if args.mode == "notes":
        done = write_notes(db, args.side, args, rng)
    else:
        done = write_sequence(db, args.side, args)
    print(done)
    return 0


if __name__ == "__main__":
    sys.exit(main())
