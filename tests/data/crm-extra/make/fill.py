# Fill the before database (made by Django's migrate) with a subset of crm-small's
# rows, values for the project's own columns, a zip-only vendor and notes.
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("ATTACH ? AS src", (sys.argv[2],))
def cols(t):
    return [r[1] for r in db.execute(f'PRAGMA src.table_info("{t}")')]
def copy(t, where='', extra=None):
    c = ', '.join(f'"{x}"' for x in cols(t))
    tc, tv = (', "%s"' % extra[0], ', ' + extra[1]) if extra else ('', '')
    db.execute(f'INSERT INTO main."{t}" ({c}{tc}) SELECT {c}{tv} FROM src."{t}" {where} ORDER BY id')
copy('users')
copy('organizations')
copy('customers', 'WHERE id <= 80', ('loyalty_tier', "'bronze'"))
copy('vendors', 'WHERE id <= 40')
copy('leads', 'WHERE id <= 50')
copy('employees', 'WHERE id <= 60')
copy('deals', 'WHERE id <= 100 AND (customer_id IS NULL OR customer_id <= 80)')
copy('orders', 'WHERE id <= 60 AND (customer_id IS NULL OR customer_id <= 80)')
copy('payments', 'WHERE id <= 60 AND (order_id IS NULL OR order_id IN (SELECT id FROM main.orders))')
# The project's own columns: every third employee has a LinkedIn URL (one with a tab
# and non-ASCII), badge numbers on some; loyalty tiers vary; deal probabilities.
db.execute("UPDATE employees SET linkedin_url = 'https://www.linkedin.com/in/e' || id WHERE id % 3 = 0")
db.execute("UPDATE employees SET linkedin_url = 'https://linkedin.com/in/zoë' || char(9) || 'x' WHERE id = 4")
db.execute("UPDATE employees SET badge_number = 'B-' || (1000 + id) WHERE id % 2 = 0")
db.execute("UPDATE customers SET loyalty_tier = CASE id % 3 WHEN 0 THEN 'gold' WHEN 1 THEN 'silver' ELSE 'bronze' END")
db.execute("UPDATE deals SET probability = (id * 7) % 101 WHERE id % 4 <> 0")
# A vendor whose only address value is its zip code (spec hazard zip_only_address).
db.execute("UPDATE vendors SET address = '', city = '', state = '', country = '', zip_code = '90210' WHERE id = 3")
db.executemany("INSERT INTO extras_note (text, created_at, employee_id) VALUES (?, ?, ?)",
               [(f'note {k} about employee', f'2025-0{1 + k % 9}-1{k % 10} 10:00:00', 1 + (k * 7) % 60) for k in range(40)])
db.commit()
db.execute("DETACH src")
db.execute("VACUUM")
