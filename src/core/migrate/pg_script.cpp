// The PostgreSQL migration and revert scripts (see pg_script.hpp). The script is
// plain SQL plus psql's \gset and \if; its moving parts live in the schema
// `redline_migration` it creates:
//   progress   one row per (step, part): a DDL part is done or not (its statements
//              and that row commit together); a batched part has its high-water mark
//              (the largest key when it started), the last key done and a count.
//   run        the run's facts taken before anything changed: content types and
//              sequences at the start, whether the live data matched the snapshot.
//   m1_plan    M1's plan (who gets which user), computed once from the live data.
//   pre_*      pre-images: users' contact values M1 replaces, employees.user_id
//              before M1, every column the contract drops; dropped_columns their
//              definitions. The revert script restores from them.
// ddl() runs a DDL part in the caller's (autocommit) transaction under the session's
// lock_timeout / statement_timeout, retrying when a lock is not granted; batched() is
// a PROCEDURE that commits after every batch. pause() is a test hook: it sleeps at a
// named point when the session sets redline.pause_at (tests kill the backend there).
#include "core/migrate/pg_script.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "core/migrate/normalize.hpp"
#include "core/migrate/normalize_sql.hpp"
#include "core/migrate/steps.hpp"
#include "core/sha256.hpp"

namespace redline::pg {

namespace {

std::string lit(std::string_view s) { return sql::quote_literal(s); }

// "(a, b, ...)": a row of a VALUES list, its items SQL already. (Built by appends:
// GCC 12's -Wrestrict misfires on "(" + std::string chains.)
std::string row_of(std::initializer_list<std::string> items) {
  std::string r = "(";
  for (const auto& i : items) {
    if (r.size() > 1) r += ", ";
    r += i;
  }
  r += ")";
  return r;
}

// A SQL text array literal of statements: ARRAY['...', '...']::text[].
std::string text_array(const std::vector<std::string>& stmts) {
  std::string out = "ARRAY[";
  for (std::size_t k = 0; k < stmts.size(); ++k) out += (k ? ",\n    " : "\n    ") + lit(stmts[k]);
  return out + "]::text[]";
}

std::string ddl(const std::string& step, const std::string& part, const std::vector<std::string>& stmts) {
  // \gset: the call's empty result goes to a psql variable, not to the output.
  return "SELECT redline_migration.ddl(" + lit(step) + ", " + lit(part) + ", " + text_array(stmts) + ") AS redline_ddl \\gset\n";
}

std::string batched(const ScriptContext& c, const std::string& step, const std::string& part,
                    const std::string& from, const std::string& key, const std::vector<std::string>& stmts) {
  return "CALL redline_migration.batched(" + lit(step) + ", " + lit(part) + ", " + lit(from) + ", " + lit(key) + ", " +
         text_array(stmts) + ", " + std::to_string(c.batch_rows) + ", " + std::to_string(c.batch_ms) + ");\n";
}

// The run's timestamp as a PostgreSQL expression (the options' `now` is UTC).
std::string now_sql(const ScriptContext& c) {
  if (c.options.now.empty()) return "(SELECT started_at FROM redline_migration.run)";
  return "TIMESTAMPTZ " + lit(c.options.now + "+00");
}

const char* const kCrmTables[] = {"users", "employees", "organizations", "customers", "vendors",
                                  "leads", "deals",     "orders",        "payments",  "django_content_type"};
const char* const kContractTables[] = {"employees", "organizations", "customers", "vendors", "leads"};

char kind_of(const std::string& type) {
  const std::string t = norm::ascii_lower(type);
  if (t.rfind("integer", 0) == 0 || t.rfind("bigint", 0) == 0 || t.rfind("smallint", 0) == 0) return 'i';
  if (t == "bool" || t == "boolean") return 'b';
  if (t.rfind("varchar", 0) == 0 || t == "text") return 't';
  return 0;
}

std::string section(const std::string& title) { return "\n-- ---- " + title + " " + std::string(70 - std::min<std::size_t>(title.size(), 60), '-') + "\n"; }

// The address columns of an old-shape table (spec §1), as crm_schema knows them.
bool before_has(std::string_view table, std::string_view col) {
  const auto* t = crm::find_table(crm::Shape::Before, table);
  return t && t->column(col);
}

std::string text_or_empty(std::string_view table, const char* col) {
  return before_has(table, col) ? "coalesce(t." + std::string(col) + ", '')" : std::string("''");
}

}  // namespace

// ---- fingerprints -----------------------------------------------------------------------

std::vector<FingerprintTable> fingerprint_tables(crm::Shape shape) {
  std::vector<FingerprintTable> out;
  std::vector<std::string> names(std::begin(kCrmTables), std::end(kCrmTables));
  if (shape == crm::Shape::After) {
    names.push_back("addresses");
    names.push_back("addressables");
  }
  for (const auto& n : names) {
    const auto* def = crm::find_table(shape, n);
    if (!def) continue;
    FingerprintTable t{n, {}};
    for (const auto& col : def->columns) {
      // Ids the two engines number differently: compared by content instead.
      if ((n == "addresses" && col.name == "id") ||
          (n == "addressables" && (col.name == "id" || col.name == "address_id")))
        continue;
      char k = kind_of(col.type);
      if (k) t.columns.emplace_back(col.name, k);
    }
    out.push_back(std::move(t));
  }
  return out;
}

namespace {

// Two's complement sum of signed 64-bit values as an exact decimal.
std::string int128_text(__int128 v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  unsigned __int128 u = neg ? static_cast<unsigned __int128>(-(v + 1)) + 1 : static_cast<unsigned __int128>(v);
  std::string s;
  while (u) {
    s += static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
  }
  if (neg) s += '-';
  std::reverse(s.begin(), s.end());
  return s;
}

}  // namespace

Result<std::vector<Fingerprint>> fingerprints(sql::Database& db, crm::Shape shape) {
  std::vector<Fingerprint> out;
  for (const auto& t : fingerprint_tables(shape)) {
    std::string cols;
    for (const auto& [name, kind] : t.columns) cols += (cols.empty() ? "" : ", ") + sql::quote_ident(name);
    auto st = db.prepare("SELECT " + cols + " FROM " + sql::quote_ident(t.table));
    if (!st) return st.error();
    Fingerprint f{t.table, 0, {}};
    __int128 sum = 0;
    std::string row;
    for (;;) {
      auto r = st->step();
      if (!r) return r.error();
      if (*r == sql::StepResult::Done) break;
      row.clear();
      for (int k = 0; k < static_cast<int>(t.columns.size()); ++k) {
        if (k) row += '\x1f';
        row += st->column_is_null(k) ? std::string("\\N") : st->column_text(k);
      }
      Sha256 h;
      h.update(row.data(), row.size());
      auto d = h.finish();
      std::uint64_t v = 0;
      for (int b = 0; b < 8; ++b) v = (v << 8) | d[static_cast<std::size_t>(b)];
      sum += static_cast<std::int64_t>(v);
      ++f.rows;
    }
    f.sum = int128_text(sum);
    out.push_back(std::move(f));
  }
  return out;
}

std::string fingerprint_sql(crm::Shape shape) {
  std::string q;
  for (const auto& t : fingerprint_tables(shape)) {
    std::string row;
    for (const auto& [name, kind] : t.columns) {
      std::string e = kind == 'b' ? "CASE WHEN " + name + " THEN '1' WHEN NOT " + name + " THEN '0' ELSE '\\N' END"
                                  : "coalesce(" + name + "::text, '\\N')";
      row += (row.empty() ? "" : " || chr(31) || ") + e;
    }
    q += (q.empty() ? "" : "\n  UNION ALL ") + std::string("SELECT ") + lit(t.table) +
         "::text AS t, count(*)::bigint AS n, coalesce(sum(('x' || left(encode(sha256(convert_to(" + row +
         ", 'UTF8')), 'hex'), 16))::bit(64)::bigint), 0)::text AS h FROM " + t.table;
  }
  return q;
}

namespace {

std::string fingerprint_values(const std::vector<Fingerprint>& fps) {
  std::string v = "(VALUES ";
  for (std::size_t k = 0; k < fps.size(); ++k) {
    if (k) v += ", ";
    v += "(";
    v += lit(fps[k].table);
    v += ", ";
    v += std::to_string(fps[k].rows);
    v += "::bigint, ";
    v += lit(fps[k].sum);
    v += ")";
  }
  return v + ")";
}

// The differences between the live fingerprints and `expected`, as one text (NULL when equal).
std::string fingerprint_diff_sql(crm::Shape shape, const std::vector<Fingerprint>& expected) {
  return "SELECT string_agg(format('%s: %s rows (expected %s)%s', e.t, coalesce(l.n, 0), e.n, "
         "CASE WHEN l.h IS DISTINCT FROM e.h THEN ', content differs' ELSE '' END), '; ' ORDER BY e.t)\n"
         "  FROM " + fingerprint_values(expected) + " AS e(t, n, h)\n"
         "  LEFT JOIN (" + fingerprint_sql(shape) + ") AS l ON l.t = e.t\n"
         "  WHERE l.n IS DISTINCT FROM e.n OR l.h IS DISTINCT FROM e.h";
}

// M1's plan on the live data: normalize_sql.hpp's m1_plan_sql (the query the preview
// runs) over the old shape, new user ids after the largest of users.id and the users
// sequence (SQLite's AUTOINCREMENT counter there).
norm::DbState old_shape() {
  norm::DbState s;
  for (const auto& t : crm::tables(crm::Shape::Before)) {
    auto& info = s.tables[t.name];
    info.name = t.name;
    for (const auto& col : t.columns) info.columns.push_back({col.name, col.type, col.not_null, col.primary_key});
  }
  return s;
}

std::string m1_plan_select(CollisionResolution resolution) {
  return "SELECT * FROM (\n" +
         norm::m1_plan_sql(old_shape(), resolution,
                           "greatest(coalesce((SELECT max(id) FROM users), 0), "
                           "coalesce(pg_sequence_last_value(pg_get_serial_sequence('users', 'id')::regclass), 0))") +
         ") AS plan ORDER BY emp_id";
}

std::string id_array(const std::vector<std::int64_t>& ids) {
  std::string s = "ARRAY[";
  for (std::size_t k = 0; k < ids.size(); ++k) {
    if (k) s += ',';
    s += std::to_string(ids[k]);  // appended apart: GCC 12's -Wrestrict misfires on "," + string
  }
  return s + "]::integer[]";
}

// The preflight's re-check of spec §3's warnings that have a resolution option
// (contact_overwrite, zip_only_address), on the live data, as hazards.cpp finds them
// in the snapshot: a row the preview did not list stops the run, named, before
// anything changes (the review and the chosen resolution did not cover it). Part of
// the DO block of the collision checks (declares v).
std::string live_warning_checks(const ScriptContext& c) {
  // contact_overwrite: M1's members (kind update, link, link_new) replayed in employee
  // id order per user, as the guide's loop runs: an employee's non-empty value that
  // differs from the value the field has before it (the last non-empty value of an
  // earlier employee of the same user, else the user's own, or under "link" the
  // values of the employee that creates that user).
  const bool link = c.options.username_collision == CollisionResolution::Link;
  const char* vals[] = {"fn", "ln", "em", "ph"};
  const char* cols[] = {"first_name", "last_name", "email", "phone"};
  std::string prior, differs;
  for (int f = 0; f < 4; ++f) {
    const std::string v = vals[f];
    std::string base = std::string("u.") + cols[f];
    if (link) {
      std::string created = v == "em" ? "CASE WHEN c.em <> '' THEN c.em ELSE 'employee_' || c.emp_id || '@temp.com' END"
                                      : "c." + v;
      base = "coalesce(" + base + ", " + created + ")";
    }
    prior += ", coalesce((array_remove(array_agg(nullif(m." + v + ", '')) OVER w, NULL))[count(nullif(m." + v +
             ", '')) OVER w], " + base + ") AS b_" + v;
    differs += std::string(f ? " OR " : "") + "(q." + v + " <> '' AND coalesce(q.b_" + v + ", '') <> '' AND q." + v +
               " <> q.b_" + v + ")";
  }
  std::string s =
      "  -- contact_overwrite the preview did not see (resolution " + lit(to_string(c.options.contact_overwrite)) + ").\n"
      "  SELECT string_agg(format('employee %s (user %s)', q.emp_id, q.target), ', ' ORDER BY q.emp_id) INTO v FROM (\n"
      "    SELECT m.emp_id, m.target, m.fn, m.ln, m.em, m.ph" + prior + "\n"
      "    FROM pg_temp.redline_m1_plan AS m LEFT JOIN users AS u ON u.id = m.target\n" +
      (link ? "    LEFT JOIN pg_temp.redline_m1_plan AS c ON c.kind = 'create' AND c.target = m.target\n" : "") +
      "    WHERE m.kind IN ('update', 'link', 'link_new')\n"
      "    WINDOW w AS (PARTITION BY m.target ORDER BY m.emp_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) AS q\n"
      "    WHERE (" + differs + ") AND NOT (q.emp_id = ANY (" + id_array(c.preview_overwrites) + "));\n"
      "  IF v IS NOT NULL THEN\n"
      "    RAISE EXCEPTION 'redline preflight: contact values M1 would overwrite (warning contact_overwrite) that the "
      "snapshot did not have: %', v\n"
      "      USING HINT = 'the live data changed since the snapshot: take a new snapshot, review its hazards in "
      "redline and generate the script again; nothing was changed';\n"
      "  END IF;\n";
  s += "  -- zip_only_address the preview did not see (resolution " + lit(to_string(c.options.zip_only_address)) + ").\n"
       "  SELECT string_agg(v2.id::text, ', ' ORDER BY v2.id) INTO v FROM vendors AS v2\n"
       "    WHERE " + norm::zip_only_sql(old_shape(), "v2") + " AND NOT (v2.id = ANY (" + id_array(c.preview_zip_only) + "));\n"
       "  IF v IS NOT NULL THEN\n"
       "    RAISE EXCEPTION 'redline preflight: vendors whose only address value is zip_code (warning zip_only_address) "
       "that the snapshot did not have: %', v\n"
       "      USING HINT = 'the live data changed since the snapshot: take a new snapshot, review its hazards in "
       "redline and generate the script again; nothing was changed';\n"
       "  END IF;\n";
  return s;
}

std::string options_line(const NormalizeOptions& o) {
  nlohmann::ordered_json j = options_to_json(o);
  if (o.now.empty()) j.erase("now");
  j.erase("strict");
  j.erase("record_timings");
  return j.dump();
}

std::string procedures() {
  return R"SQL(
-- The progress of a DDL part: done or not. Its statements and its progress row commit
-- together (the caller's transaction), so a part is never half done.
CREATE OR REPLACE FUNCTION redline_migration.part_done(p_step text, p_part text) RETURNS boolean
LANGUAGE sql STABLE AS $f$
  SELECT coalesce((SELECT done FROM redline_migration.progress WHERE step = p_step AND part = p_part), false)
$f$;

-- Test hook: sleeps at the named point when the session sets redline.pause_at to it
-- (the tests terminate the backend there). Inert otherwise.
CREATE OR REPLACE FUNCTION redline_migration.pause(p_point text) RETURNS void
LANGUAGE plpgsql AS $f$
BEGIN
  IF current_setting('redline.pause_at', true) = p_point THEN
    RAISE NOTICE 'redline: paused at %', p_point;
    PERFORM pg_sleep(coalesce(nullif(current_setting('redline.pause_secs', true), '')::float8, 60));
  END IF;
END
$f$;

-- The next ids of a table the run inserts into with explicit ids, as Django's inserts
-- would get them from the sequence: after the largest of its ids and of the sequence
-- as it was when the run started. Explicit, so that a part killed and rolled back
-- (its nextval() calls are not) gives the same ids when it runs again.
CREATE OR REPLACE FUNCTION redline_migration.id_base(p_table text) RETURNS bigint
LANGUAGE plpgsql STABLE AS $f$
DECLARE
  v bigint;
BEGIN
  EXECUTE format('SELECT coalesce(max(id), 0) FROM %I', p_table) INTO v;
  RETURN greatest(v, coalesce((SELECT (sequences -> p_table ->> 'last_value')::bigint FROM redline_migration.run), 0));
END
$f$;

-- The table's sequence past every id it holds (after explicit-id inserts).
CREATE OR REPLACE FUNCTION redline_migration.sync_sequence(p_table text) RETURNS void
LANGUAGE plpgsql AS $f$
DECLARE
  v bigint;
  v_seq regclass := pg_get_serial_sequence(p_table, 'id')::regclass;
BEGIN
  EXECUTE format('SELECT max(id) FROM %I', p_table) INTO v;
  IF v IS NOT NULL THEN
    PERFORM setval(v_seq, greatest(v, coalesce(pg_sequence_last_value(v_seq), 0)));
  END IF;
END
$f$;

-- One DDL part: skipped when done; otherwise its statements, retried (up to 30 times,
-- backing off) when a lock is not granted within lock_timeout, then marked done.
CREATE OR REPLACE FUNCTION redline_migration.ddl(p_step text, p_part text, p_sql text[]) RETURNS void
LANGUAGE plpgsql AS $f$
DECLARE
  v_try integer := 0;
  v_stmt text;
  v_t0 timestamptz;
BEGIN
  IF redline_migration.part_done(p_step, p_part) THEN
    RETURN;
  END IF;
  LOOP
    v_t0 := clock_timestamp();
    BEGIN
      FOREACH v_stmt IN ARRAY p_sql LOOP
        EXECUTE v_stmt;
      END LOOP;
      EXIT;
    EXCEPTION WHEN lock_not_available THEN
      v_try := v_try + 1;
      IF v_try >= 30 THEN
        RAISE EXCEPTION 'redline: step % (%): a lock was not granted within lock_timeout % times; run the script again when the tables are quieter', p_step, p_part, v_try;
      END IF;
      RAISE NOTICE 'redline: step % (%): lock not granted, retry %', p_step, p_part, v_try;
      PERFORM pg_sleep(least(5.0, 0.1 * v_try));
    END;
  END LOOP;
  -- Its time, as a batch's: the longest transaction of a phase is read from progress.
  INSERT INTO redline_migration.progress (step, part, done, finished_at, longest_batch_ms)
  VALUES (p_step, p_part, true, clock_timestamp(), extract(epoch FROM clock_timestamp() - v_t0) * 1000)
  ON CONFLICT (step, part) DO UPDATE SET done = true, finished_at = clock_timestamp(),
    longest_batch_ms = excluded.longest_batch_ms;
  PERFORM redline_migration.pause(p_step || ':' || p_part);
END
$f$;

-- One batched data part: walks p_from by p_key from where it stopped up to the
-- high-water mark taken when the part started, p_size keys a batch; each batch runs
-- p_sql (with $1 < key <= $2) and records its last key in the same transaction, then
-- commits. Rows added after the part started are not its business (the preflight
-- and the final verification say what changed meanwhile).
-- p_ms > 0: batches bounded by time, not rows: p_size is the first batch's size, then
-- a batch that took under half of p_ms doubles the next one and one over p_ms halves
-- it (every batch is a transaction holding its rows' locks, and a thousand keys cost
-- less than the commit and bookkeeping around them). p_ms = 0: p_size keys each.
CREATE OR REPLACE PROCEDURE redline_migration.batched(p_step text, p_part text, p_from text, p_key text,
                                                      p_sql text[], p_size integer, p_ms integer)
LANGUAGE plpgsql AS $p$
DECLARE
  v_last bigint;
  v_hwm bigint;
  v_done boolean;
  v_batch integer;
  v_hi bigint;
  v_n bigint;
  v_rows bigint;
  v_stmt text;
  v_t0 timestamptz;
  v_ms float8;
  v_size integer := p_size;
BEGIN
  SELECT last_key, high_water, done, batches INTO v_last, v_hwm, v_done, v_batch
    FROM redline_migration.progress WHERE step = p_step AND part = p_part;
  IF NOT FOUND THEN
    EXECUTE format('SELECT min(%1$I) - 1, max(%1$I) FROM %2$s', p_key, p_from) INTO v_last, v_hwm;
    INSERT INTO redline_migration.progress (step, part, last_key, high_water)
    VALUES (p_step, p_part, v_last, v_hwm);
    v_done := false;
    v_batch := 0;
    COMMIT;
  END IF;
  IF v_done THEN
    RETURN;
  END IF;
  LOOP
    EXIT WHEN v_hwm IS NULL OR v_last >= v_hwm;
    v_t0 := clock_timestamp();
    EXECUTE format('SELECT max(k) FROM (SELECT %1$I AS k FROM %2$s WHERE %1$I > $1 AND %1$I <= $2 ORDER BY %1$I LIMIT $3) AS b',
                   p_key, p_from) INTO v_hi USING v_last, v_hwm, v_size;
    EXIT WHEN v_hi IS NULL;
    v_rows := 0;
    FOREACH v_stmt IN ARRAY p_sql LOOP
      EXECUTE v_stmt USING v_last, v_hi;
      GET DIAGNOSTICS v_n = ROW_COUNT;
      v_rows := v_rows + v_n;
    END LOOP;
    v_batch := v_batch + 1;
    v_ms := extract(epoch FROM clock_timestamp() - v_t0) * 1000;
    UPDATE redline_migration.progress SET last_key = v_hi, batches = v_batch, rows_affected = rows_affected + v_rows,
        longest_batch_ms = greatest(longest_batch_ms, v_ms)
      WHERE step = p_step AND part = p_part;
    PERFORM redline_migration.pause(p_step || ':' || p_part || ':batch:' || v_batch);
    COMMIT;
    v_last := v_hi;
    IF p_ms > 0 AND v_ms < p_ms / 2.0 THEN
      v_size := least(v_size * 2, 1000000);
    ELSIF p_ms > 0 AND v_ms > p_ms THEN
      v_size := greatest(v_size / 2, 1);
    END IF;
  END LOOP;
  UPDATE redline_migration.progress SET done = true, finished_at = clock_timestamp()
    WHERE step = p_step AND part = p_part;
  COMMIT;
END
$p$;
)SQL";
}

// Session settings for DDL (short, bounded) and for the batch procedures (each batch
// is small; the CALL as a whole may run long, so statement_timeout is off for it).
const char* const kDdlSession = "SET lock_timeout = '2s';\nSET statement_timeout = '60s';\n";
const char* const kBatchSession = "SET lock_timeout = '10s';\nSET statement_timeout = 0;\n";

}  // namespace

// ---- the steps -----------------------------------------------------------------------

std::string step_e1(const ScriptContext&) {
  return std::string(kDdlSession) +
         ddl("E1", "tables",
             {"CREATE TABLE addresses (id serial NOT NULL PRIMARY KEY, address_line1 varchar(255) NOT NULL, "
              "address_line2 varchar(255) NOT NULL, city varchar(100) NOT NULL, state varchar(100) NOT NULL, "
              "postal_code varchar(20) NOT NULL, country varchar(100) NOT NULL, address_type varchar(20) NOT NULL, "
              "is_primary boolean NOT NULL)",
              "CREATE TABLE addressables (id serial NOT NULL PRIMARY KEY, object_id integer NOT NULL "
              "CHECK (object_id >= 0), address_id integer NOT NULL, content_type_id integer NOT NULL)",
              "CREATE INDEX addressables_address_id_54bedcff ON addressables (address_id)",
              "CREATE INDEX addressables_content_type_id_801bcc66 ON addressables (content_type_id)"});
}

std::string step_e2(const ScriptContext&) {
  return std::string(kDdlSession) +
         ddl("E2", "column", {"ALTER TABLE organizations ADD COLUMN default_currency varchar(3) NULL"});
}

std::string step_e3(const ScriptContext&) {
  std::string s = kDdlSession;
  for (const char* t : {"deals", "orders", "payments"})
    s += ddl("E3", t, {"ALTER TABLE " + std::string(t) + " ALTER COLUMN currency DROP NOT NULL"});
  return s;
}

std::string step_m1(const ScriptContext& c) {
  const std::string plan = "redline_migration.m1_plan";
  const std::string in_batch = "p.emp_id > $1 AND p.emp_id <= $2";
  const std::string members = "p.kind IN ('update', 'link', 'link_new')";
  std::vector<std::string> stmts = {
      // Pre-images first: the users' values before any employee of this run wrote them.
      "INSERT INTO redline_migration.pre_users (id, first_name, last_name, email, phone)\n"
      "SELECT u.id, u.first_name, u.last_name, u.email, u.phone FROM users AS u\n"
      "WHERE u.id IN (SELECT p.target FROM " + plan + " AS p WHERE " + in_batch + " AND p.kind IN ('update', 'link'))\n"
      "ON CONFLICT (id) DO NOTHING",
      "INSERT INTO redline_migration.pre_employee_user (id, user_id)\n"
      "SELECT e.id, e.user_id FROM employees AS e JOIN " + plan + " AS p ON p.emp_id = e.id\n"
      "WHERE " + in_batch + " AND p.kind <> 'update' ON CONFLICT (id) DO NOTHING",
      "INSERT INTO users (id, password, last_login, is_superuser, username, first_name, last_name, email, is_staff, "
      "is_active, date_joined, phone)\n"
      "SELECT p.target, '', NULL, false, p.username, p.fn, p.ln, "
      "CASE WHEN p.em <> '' THEN p.em ELSE 'employee_' || p.emp_id || '@temp.com' END, false, true, " + now_sql(c) +
          ", p.ph\n"
      "FROM " + plan + " AS p WHERE " + in_batch + " AND p.kind = 'create' ORDER BY p.emp_id"};
  if (c.options.contact_overwrite != OverwriteResolution::UserWins) {
    // Each employee applies its values in id order, as the guide's loop does; within a
    // batch, per user: employee_wins keeps the last non-empty value, fill_blanks fills
    // an empty user value with the first non-empty one.
    const bool ew = c.options.contact_overwrite == OverwriteResolution::EmployeeWins;
    const char* cols[] = {"first_name", "last_name", "email", "phone"};
    const char* vals[] = {"fn", "ln", "em", "ph"};
    std::string agg, set, olds, news;
    for (int f = 0; f < 4; ++f) {
      agg += std::string(", (array_agg(p.") + vals[f] + " ORDER BY p.emp_id" + (ew ? " DESC" : "") + ") FILTER (WHERE p." +
             vals[f] + " <> ''))[1] AS " + vals[f];
      std::string u = std::string("u.") + cols[f];
      std::string v = ew ? "coalesce(a." + std::string(vals[f]) + ", " + u + ")"
                         : "CASE WHEN coalesce(" + u + ", '') <> '' THEN " + u + " ELSE coalesce(a." + vals[f] + ", " +
                               u + ") END";
      set += (f ? ", " : "") + std::string(cols[f]) + " = " + v;
      olds += (f ? ", " : "") + u;
      news += (f ? ", " : "") + v;
    }
    stmts.push_back("UPDATE users AS u SET " + set + "\nFROM (SELECT p.target" + agg + "\n      FROM " + plan +
                    " AS p WHERE " + in_batch + " AND " + members + " GROUP BY p.target) AS a\n"
                    "WHERE u.id = a.target AND (" + olds + ") IS DISTINCT FROM (" + news + ")");
  }
  stmts.push_back("UPDATE employees AS e SET user_id = p.target FROM " + plan +
                  " AS p WHERE e.id = p.emp_id AND " + in_batch + " AND p.kind <> 'update'");
  std::string s = kBatchSession;
  s += batched(c, "M1", "employees", plan, "emp_id", stmts);
  // The users sequence past every id M1 gave (reserved at the start, set again here).
  s += std::string(kDdlSession) +
       ddl("M1", "sequence",
           {"SELECT setval(pg_get_serial_sequence('users', 'id')::regclass, greatest((SELECT max(id) FROM users), "
            "coalesce(pg_sequence_last_value(pg_get_serial_sequence('users', 'id')::regclass), 1)))"});
  return s;
}

std::string step_m2(const ScriptContext& c) {
  std::string s = kDdlSession;
  // Django's get_for_model() creates a missing content type for each model, in order.
  std::string values;
  int order = 0;
  for (const auto& at : norm::address_tables())
    values += (values.empty() ? "" : ", ") + row_of({std::to_string(++order), lit(at.model)});
  s += ddl("M2", "content-types",
           {"INSERT INTO django_content_type (id, app_label, model) SELECT b.base + row_number() OVER (ORDER BY "
            "v.ord), 'crmApp', v.model FROM (VALUES " + values +
            ") AS v(ord, model) CROSS JOIN (SELECT redline_migration.id_base('django_content_type') AS base) AS b "
            "WHERE NOT EXISTS (SELECT 1 FROM django_content_type AS ct WHERE ct.app_label = 'crmApp' AND ct.model = "
            "v.model) ORDER BY v.ord",
            "SELECT redline_migration.sync_sequence('django_content_type')"});
  s += kBatchSession;
  for (const auto& at : norm::address_tables()) {
    const std::string t = at.table;
    // The guide's test for address data: zip_code only with resolution keep.
    std::string any;
    for (const auto& col : norm::address_columns(t)) {
      if (col == "zip_code" && c.options.zip_only_address != ZipOnlyResolution::Keep) continue;
      any += (any.empty() ? "" : " OR ") + text_or_empty(t, col.c_str()) + " <> ''";
    }
    std::string postal = before_has(t, "postal_code") ? text_or_empty(t, "postal_code") : text_or_empty(t, "zip_code");
    const std::string ct = "(SELECT id FROM django_content_type WHERE app_label = 'crmApp' AND model = " +
                           lit(at.model) + ")";
    // Addresses and their links numbered by the sequences in M2's order (tables in
    // order, rows in id order), as Django's one-by-one inserts number them. No check
    // for a link made already: a batch commits with its progress row, so it never runs
    // twice, and the preflight refuses a database whose addresses exist (such a check
    // made each batch read every link of the content type before it: quadratic).
    // The sequences by name (E1 created them with the tables as serial): a constant
    // regclass, where pg_get_serial_sequence() searched the catalog twice per row.
    std::string stmt =
        "WITH src AS MATERIALIZED (\n"
        "  SELECT s.*, nextval('addresses_id_seq'::regclass) AS aid, nextval('addressables_id_seq'::regclass) AS lid\n"
        "  FROM (SELECT t.id AS oid, " + ct + " AS ct, " + text_or_empty(t, "address") + " AS line1, " +
        text_or_empty(t, "city") + " AS city, " + text_or_empty(t, "state") + " AS state, " + postal +
        " AS postal, " + text_or_empty(t, "country") + " AS country\n"
        "        FROM " + t + " AS t WHERE t.id > $1 AND t.id <= $2 AND (" + any + ")\n"
        "        ORDER BY t.id) AS s\n"
        "), a AS (\n"
        "  INSERT INTO addresses (id, address_line1, address_line2, city, state, postal_code, country, address_type, "
        "is_primary)\n"
        "  SELECT aid, line1, '', city, state, postal, country, 'primary', true FROM src ORDER BY aid\n"
        ")\n"
        "INSERT INTO addressables (id, object_id, address_id, content_type_id) SELECT lid, oid, aid, ct FROM src "
        "ORDER BY lid";
    s += batched(c, "M2", t, t, "id", {stmt});
  }
  // The links' foreign keys once they are written (Django's names): added NOT VALID
  // (no scan, a brief lock), then validated under SHARE UPDATE EXCLUSIVE, so the
  // batches did not pay a deferred check per row.
  s += kDdlSession;
  s += ddl("M2", "foreign-keys",
           {"ALTER TABLE addressables ADD CONSTRAINT addressables_address_id_54bedcff_fk_addresses_id "
            "FOREIGN KEY (address_id) REFERENCES addresses (id) DEFERRABLE INITIALLY DEFERRED NOT VALID",
            "ALTER TABLE addressables ADD CONSTRAINT addressables_content_type_id_801bcc66_fk_django_content_type_id "
            "FOREIGN KEY (content_type_id) REFERENCES django_content_type (id) DEFERRABLE INITIALLY DEFERRED NOT VALID"});
  s += ddl("M2", "validate",
           {"ALTER TABLE addressables VALIDATE CONSTRAINT addressables_address_id_54bedcff_fk_addresses_id",
            "ALTER TABLE addressables VALIDATE CONSTRAINT "
            "addressables_content_type_id_801bcc66_fk_django_content_type_id"});
  return s;
}

std::string step_m3(const ScriptContext& c) {
  // The most common non-NULL deal currency, ties to the smallest code in byte order
  // (SQLite's BINARY collation: "C" here); no deals: USD. The batch's deals counted in
  // one pass (a subquery per organization read each one's deals by index, row by row).
  return std::string(kBatchSession) +
         batched(c, "M3", "organizations", "organizations", "id",
                 {"UPDATE organizations AS o SET default_currency = coalesce(w.currency, 'USD')\n"
                  "FROM organizations AS b LEFT JOIN (\n"
                  "  SELECT DISTINCT ON (v.org) v.org, v.currency FROM (\n"
                  "    SELECT d.organization_id AS org, d.currency, count(*) AS n FROM deals AS d\n"
                  "    WHERE d.organization_id > $1 AND d.organization_id <= $2 AND d.currency IS NOT NULL\n"
                  "    GROUP BY d.organization_id, d.currency) AS v\n"
                  "  ORDER BY v.org, v.n DESC, v.currency COLLATE \"C\") AS w ON w.org = b.id\n"
                  "WHERE o.id = b.id AND b.id > $1 AND b.id <= $2 AND o.default_currency IS NULL"});
}

namespace {

// The contract of one table: its dropped columns' values saved (batched), then dropped.
std::string contract_table(const ScriptContext& c, const char* step, const std::string& t) {
  auto cols = norm::dropped_columns(t);
  std::string list;
  for (const auto& col : cols) list += ", " + col;
  std::string drops;
  for (const auto& col : cols) drops += (drops.empty() ? " " : ", ") + ("DROP COLUMN IF EXISTS " + col);
  return std::string(kBatchSession) +
         batched(c, step, t + "-pre-images", t, "id",
                 {"INSERT INTO redline_migration.pre_" + t + " (id" + list + ") SELECT id" + list + " FROM " + t +
                  " WHERE id > $1 AND id <= $2 ON CONFLICT (id) DO NOTHING"}) +
         kDdlSession + ddl(step, t, {"ALTER TABLE " + t + drops});
}

}  // namespace

std::string step_c1(const ScriptContext& c) { return contract_table(c, "C1", "employees"); }

std::string step_c2(const ScriptContext& c) {
  std::string s;
  for (const char* t : {"organizations", "customers", "vendors", "leads"}) s += contract_table(c, "C2", t);
  return s;
}

std::string step_c3(const ScriptContext&) {
  // NOT NULL without a long exclusive lock: a CHECK added NOT VALID (instant), validated
  // under SHARE UPDATE EXCLUSIVE (reads and writes go on), then SET NOT NULL, which
  // uses the validated CHECK instead of scanning, and the CHECK dropped.
  return std::string(kDdlSession) +
         ddl("C3", "check",
             {"ALTER TABLE employees ADD CONSTRAINT redline_employees_user_id_not_null CHECK (user_id IS NOT NULL) "
              "NOT VALID"}) +
         ddl("C3", "validate", {"ALTER TABLE employees VALIDATE CONSTRAINT redline_employees_user_id_not_null"}) +
         ddl("C3", "not-null",
             {"ALTER TABLE employees ALTER COLUMN user_id SET NOT NULL",
              "ALTER TABLE employees DROP CONSTRAINT redline_employees_user_id_not_null"});
}

std::string step_i1(const ScriptContext&) {
  // CONCURRENTLY cannot run in a transaction block (so not in ddl()). A build that was
  // killed leaves an invalid index: dropped here, then built again.
  struct Idx {
    const char* name;
    const char* def;
  };
  const Idx idx[] = {{"idx_addressables_content_type", "addressables (content_type_id, object_id)"},
                     {"idx_addresses_is_primary", "addresses (is_primary) WHERE is_primary = true"},
                     {"idx_employees_user", "employees (user_id)"}};
  std::string s = "SET lock_timeout = 0;\nSET statement_timeout = 0;\n";
  for (const auto& i : idx) {
    s += std::string("SELECT redline_migration.drop_invalid_index(") + lit(i.name) + ") AS redline_ddl \\gset\n";
    s += std::string("CREATE INDEX CONCURRENTLY IF NOT EXISTS ") + i.name + " ON " + i.def + ";\n";
  }
  s += std::string(kDdlSession) + ddl("I1", "indexes", {});
  return s;
}

std::string step_p1(const ScriptContext& c) {
  std::string values;
  for (std::size_t k = 0; k < 4; ++k)
    values += (k ? ", " : "") + row_of({std::to_string(k), lit(norm::kMigrationNames[k])});
  return std::string(kDdlSession) +
         ddl("P1", "bookkeeping",
             {"INSERT INTO django_migrations (id, app, name, applied) SELECT b.base + row_number() OVER (ORDER BY "
              "v.ord), 'crmApp', v.name, " + now_sql(c) + " FROM (VALUES " + values +
                  ") AS v(ord, name) CROSS JOIN (SELECT redline_migration.id_base('django_migrations') AS base) AS b "
                  "WHERE NOT EXISTS (SELECT 1 FROM django_migrations AS m WHERE m.app = 'crmApp' AND m.name = v.name) "
                  "ORDER BY v.ord",
              "INSERT INTO django_content_type (id, app_label, model) SELECT b.base + row_number() OVER (ORDER BY "
              "v.ord), 'crmApp', v.model FROM (VALUES (1, 'address'), (2, 'addressable')) AS v(ord, model) CROSS JOIN "
              "(SELECT redline_migration.id_base('django_content_type') AS base) AS b WHERE NOT EXISTS (SELECT 1 FROM "
              "django_content_type AS ct WHERE ct.app_label = 'crmApp' AND ct.model = v.model) ORDER BY v.ord",
              "INSERT INTO auth_permission (id, content_type_id, codename, name)\n"
              "SELECT b.base + row_number() OVER (ORDER BY ct.id, p.ord), ct.id, p.action || '_' || ct.model, "
              "'Can ' || p.action || ' ' || ct.model\n"
              "FROM django_content_type AS ct CROSS JOIN (VALUES (1, 'add'), (2, 'change'), (3, 'delete'), (4, "
              "'view')) AS p(ord, action)\n"
              "  CROSS JOIN (SELECT redline_migration.id_base('auth_permission') AS base) AS b\n"
              "WHERE ct.id > (SELECT content_types_at_start FROM redline_migration.run) AND NOT EXISTS (SELECT 1 FROM "
              "auth_permission AS ap WHERE ap.content_type_id = ct.id AND ap.codename = p.action || '_' || ct.model)\n"
              "ORDER BY ct.id, p.ord",
              "SELECT redline_migration.sync_sequence(t) FROM unnest(ARRAY['django_migrations', "
              "'django_content_type', 'auth_permission']) AS t"});
}

// ---- the files -----------------------------------------------------------------------

namespace {

std::string header(const ScriptContext& c, bool revert) {
  std::string h;
  h += revert ? "-- Redline revert script: undoes the CRM normalization that MIGRATION.sql ran on PostgreSQL.\n"
              : "-- Redline migration script: the CRM normalization (expand, migrate, contract, index) for PostgreSQL.\n";
  h += "-- Generated by " + c.generator + " from snapshot " + c.snapshot_name + "\n";
  h += "-- Snapshot SHA-256: " + c.snapshot_sha256 + "\n";
  h += "-- Options: " + options_line(c.options) + "\n";
  h += "--\n";
  if (!revert) {
    h += "-- What it does (spec §2): E1 creates addresses and addressables; E2 adds\n"
         "-- organizations.default_currency; E3 makes the currencies of deals, orders and payments\n"
         "-- nullable; M1 moves employees' contact data to users (creating missing users), M2 the\n"
         "-- address columns to addresses/addressables, M3 sets each organization's default\n"
         "-- currency; C1-C2 drop the old columns, C3 makes employees.user_id NOT NULL; I1 builds\n"
         "-- the guide's three indexes CONCURRENTLY; P1 records migrations 0002-0005 and the new\n"
         "-- content types and permissions, as Django's migrate does.\n"
         "-- Before changing anything it checks the live database (structure, username collisions\n"
         "-- under the chosen resolution, contact overwrites and zip-only vendors the review did not\n"
         "-- see) and stops with the rows named. Data moves in batches of " +
         (c.batch_ms > 0 ? "about " + std::to_string(c.batch_ms) + " ms (the first " + std::to_string(c.batch_rows) + " keys)"
                         : std::to_string(c.batch_rows) + " keys") +
         ",\n-- each its own transaction; progress, the plan and the pre-images of\n"
         "-- every overwritten or dropped value are kept in schema redline_migration.\n"
         "-- At the end it checks the result against the preview's counts and fingerprints.\n"
         "--\n"
         "-- Run:    psql -X -v ON_ERROR_STOP=1 -d DB -f MIGRATION.sql\n"
         "-- Resume: run the same file again: a killed run completes, a finished one changes nothing.\n"
         "-- Revert: redline script SNAPSHOT --target postgresql --revert --out REVERT.sql\n"
         "--         psql -X -v ON_ERROR_STOP=1 -d DB -f REVERT.sql\n"
         "-- When done and kept: DROP SCHEMA redline_migration CASCADE (the pre-images go with it).\n";
  } else {
    h += "-- Restores the old structure (the dropped columns, NOT NULL on the currencies, user_id\n"
         "-- nullable), every value from the pre-images in schema redline_migration, and removes\n"
         "-- what the migration created (users, addresses, addressables, default_currency, indexes,\n"
         "-- content types, permissions, migration records), then the schema redline_migration.\n"
         "-- Re-added columns come back at the end of their tables (PostgreSQL cannot insert a\n"
         "-- column in place); names, types, nullability and values are the original ones.\n"
         "--\n"
         "-- Run:    psql -X -v ON_ERROR_STOP=1 -d DB -f REVERT.sql   (again to resume if killed)\n";
  }
  h += "\n\\set ON_ERROR_STOP on\n"
       "\\set QUIET on\n"
       "SET client_min_messages = notice;\n"
       // Each batch commits its data and its progress row together; losing the last
       // commits in a server crash loses both, so the rerun redoes them.
       "SET synchronous_commit = off;\n";
  return h;
}

}  // namespace

std::string migration_script(const ScriptContext& c) {
  std::string s = header(c, false);
  s += "SELECT to_regclass('redline_migration.progress') IS NOT NULL AS redline_started \\gset\n";

  s += section("preflight: the live database, before anything changes");
  s += "\\if :redline_started\n"
       "DO $$ BEGIN RAISE NOTICE 'redline: this database has a run of this script in progress or done: resuming "
       "(done parts are skipped)'; END $$;\n"
       "\\else\n";
  // Structure: the old shape's CRM columns all there, the new tables not yet.
  std::string need;
  for (const char* t : kCrmTables)
    for (const auto& col : crm::find_table(crm::Shape::Before, t)->columns)
      need += (need.empty() ? "" : ", ") + row_of({lit(t), lit(col.name)});
  s += "DO $preflight$\nDECLARE\n  v text;\nBEGIN\n"
       "  SELECT string_agg(v.t || '.' || v.c, ', ') INTO v FROM (VALUES " + need + ") AS v(t, c)\n"
       // pg_attribute, not information_schema.columns: the view's privilege checks
       // and joins made this the preflight's slowest query.
       "    WHERE NOT EXISTS (SELECT 1 FROM pg_attribute AS a WHERE a.attrelid = to_regclass(quote_ident(current_schema()) || '.' || quote_ident(v.t))\n"
       "                      AND a.attname = v.c AND a.attnum > 0 AND NOT a.attisdropped);\n"
       "  IF v IS NOT NULL THEN\n"
       "    RAISE EXCEPTION 'redline preflight: this database is not the CRM in its old structure; missing: %', v\n"
       "      USING HINT = 'run the script on the database the snapshot was taken from; nothing was changed';\n"
       "  END IF;\n"
       "  SELECT string_agg(x, ', ') INTO v FROM unnest(ARRAY['addresses', 'addressables']) AS x WHERE to_regclass(x) IS NOT NULL;\n"
       "  IF v IS NOT NULL THEN\n"
       "    RAISE EXCEPTION 'redline preflight: tables % exist already, but this script has not run here (no schema "
       "redline_migration)', v USING HINT = 'the database is migrated or half-migrated by other means; take a new "
       "snapshot and check it with redline; nothing was changed';\n"
       "  END IF;\n"
       "END\n$preflight$;\n";
  // M1's plan on the live data, in the session (nothing persistent yet).
  s += "CREATE TEMP TABLE redline_m1_plan AS\n" + m1_plan_select(c.options.username_collision) + ";\n";
  s += "DO $hazards$\nDECLARE\n  v text;\nBEGIN\n"
       "  -- Username collisions the preview did not see: the live data changed since the snapshot.\n"
       "  SELECT string_agg(format('employee %s wants username %L (%s)', p.emp_id, p.want,\n"
       "           CASE WHEN p.taken_by IS NOT NULL THEN 'taken by user ' || p.taken_by\n"
       "                ELSE 'wanted by ' || p.grp_n || ' employees' END), '; ' ORDER BY p.emp_id) INTO v\n"
       "    FROM pg_temp.redline_m1_plan AS p\n"
       "    WHERE p.want IS NOT NULL AND (p.taken_by IS NOT NULL OR p.grp_n > 1)\n"
       "      AND NOT (p.emp_id = ANY (" + id_array(c.preview_collisions) + "));\n"
       "  IF v IS NOT NULL THEN\n"
       "    RAISE EXCEPTION 'redline preflight: username collisions (blocker) that the snapshot did not have: %', v\n"
       "      USING HINT = 'the live data changed since the snapshot: take a new snapshot, review its hazards in "
       "redline and generate the script again; nothing was changed';\n"
       "  END IF;\n";
  if (c.options.username_collision == CollisionResolution::Stop) {
    s += "  SELECT string_agg(format('employee %s wants username %L', p.emp_id, p.want), '; ' ORDER BY p.emp_id) INTO v\n"
         "    FROM pg_temp.redline_m1_plan AS p WHERE p.want IS NOT NULL AND (p.taken_by IS NOT NULL OR p.grp_n > 1);\n"
         "  IF v IS NOT NULL THEN\n"
         "    RAISE EXCEPTION 'redline preflight: username collisions and resolution \"stop\": %', v\n"
         "      USING HINT = 'pick the resolution suffix or link in the options; nothing was changed';\n"
         "  END IF;\n";
  }
  s += live_warning_checks(c);
  s += "  -- A username the resolution gives that is taken all the same.\n"
       "  SELECT string_agg(format('employee %s would get username %L', q.emp_id, q.username), '; ' ORDER BY q.emp_id) INTO v\n"
       "    FROM (SELECT p.emp_id, p.username, count(*) OVER (PARTITION BY p.username) AS n\n"
       "          FROM pg_temp.redline_m1_plan AS p WHERE p.kind = 'create') AS q\n"
       "    WHERE q.n > 1 OR EXISTS (SELECT 1 FROM users AS u WHERE u.username = q.username);\n"
       "  IF v IS NOT NULL THEN\n"
       "    RAISE EXCEPTION 'redline preflight: username collisions not resolved by \"" +
       std::string(to_string(c.options.username_collision)) +
       "\": %', v\n"
       "      USING HINT = 'rename those users or pick another resolution; nothing was changed';\n"
       "  END IF;\n"
       "END\n$hazards$;\n";
  // The run's state, created in one transaction: a failure leaves nothing behind.
  s += section("the run's state (one transaction)");
  // The live data against the snapshot's fingerprints, computed before the transaction
  // by a statement of its own: CREATE TABLE AS may use parallel workers, an INSERT
  // (and a query inside PL/pgSQL) may not, and the fingerprints are most of the
  // script's own reading.
  s += "CREATE TEMP TABLE redline_before_diff (d) AS\n" + fingerprint_diff_sql(crm::Shape::Before, c.before) + ";\n";
  s += "BEGIN;\n"
       "CREATE SCHEMA redline_migration;\n"
       "CREATE TABLE redline_migration.progress (step text NOT NULL, part text NOT NULL, last_key bigint, high_water "
       "bigint,\n  batches integer NOT NULL DEFAULT 0, rows_affected bigint NOT NULL DEFAULT 0, longest_batch_ms float8 NOT NULL "
       "DEFAULT 0, done boolean NOT NULL "
       "DEFAULT false,\n  started_at timestamptz NOT NULL DEFAULT clock_timestamp(), finished_at timestamptz, PRIMARY "
       "KEY (step, part));\n"
       "CREATE TABLE redline_migration.run (id integer PRIMARY KEY CHECK (id = 1), snapshot_sha256 text NOT NULL,\n"
       "  options text NOT NULL, started_at timestamptz NOT NULL, finished_at timestamptz, content_types_at_start "
       "integer NOT NULL,\n  sequences jsonb NOT NULL, live_differs text);\n"
       "INSERT INTO redline_migration.run (id, snapshot_sha256, options, started_at, content_types_at_start, "
       "sequences, live_differs)\n"
       "SELECT 1, " + lit(c.snapshot_sha256) + ", " + lit(options_line(c.options)) +
       ", statement_timestamp(), coalesce((SELECT max(id) FROM django_content_type), 0),\n"
       "  (SELECT jsonb_object_agg(t, jsonb_build_object('last_value', pg_sequence_last_value(pg_get_serial_sequence(t, "
       "'id')::regclass)))\n"
       "     FROM unnest(ARRAY['users', 'django_content_type', 'auth_permission', 'django_migrations']) AS t),\n"
       "  (SELECT d FROM pg_temp.redline_before_diff);\n"
       "CREATE TABLE redline_migration.m1_plan AS SELECT * FROM pg_temp.redline_m1_plan;\n"
       "ALTER TABLE redline_migration.m1_plan ADD PRIMARY KEY (emp_id);\n"
       // The ids M1 will give new users, reserved now (the application keeps inserting).
       "SELECT CASE WHEN m IS NOT NULL THEN setval(pg_get_serial_sequence('users', 'id')::regclass, m) END AS "
       "redline_reserved FROM (SELECT max(target) AS m FROM redline_migration.m1_plan WHERE kind = 'create') AS x \\gset\n"
       "CREATE TABLE redline_migration.pre_users AS SELECT id, first_name, last_name, email, phone FROM users WITH NO "
       "DATA;\n"
       "ALTER TABLE redline_migration.pre_users ADD PRIMARY KEY (id);\n"
       "CREATE TABLE redline_migration.pre_employee_user (id integer PRIMARY KEY, user_id integer);\n";
  for (const char* t : kContractTables) {
    std::string list;
    for (const auto& col : norm::dropped_columns(t)) list += ", " + col;
    s += std::string("CREATE TABLE redline_migration.pre_") + t + " AS SELECT id" + list + " FROM " + t +
         " WITH NO DATA;\n";
    s += std::string("ALTER TABLE redline_migration.pre_") + t + " ADD PRIMARY KEY (id);\n";
  }
  // The dropped columns' definitions, for the revert.
  std::string dropped;
  for (const char* t : kContractTables)
    for (const auto& col : norm::dropped_columns(t))
      dropped += (dropped.empty() ? "" : ", ") + row_of({lit(t), lit(col)});
  s += "CREATE TABLE redline_migration.dropped_columns AS\n"
       "SELECT v.t AS table_name, v.c AS column_name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "
       "not_null, a.attnum AS position\n"
       "FROM (VALUES " + dropped + ") AS v(t, c)\n"
       "JOIN pg_attribute AS a ON a.attrelid = v.t::regclass AND a.attname = v.c AND NOT a.attisdropped;\n"
       "COMMIT;\n"
       "SELECT coalesce(live_differs, '') <> '' AS redline_live_differs FROM redline_migration.run \\gset\n"
       "\\if :redline_live_differs\n"
       "SELECT 'redline: warning: the live data differs from the snapshot (' || live_differs || '); the run goes on "
       "with the live data, and the final check reports instead of failing' AS notice FROM redline_migration.run;\n"
       "\\endif\n"
       "\\endif\n";

  s += section("the run's procedures (schema redline_migration)");
  s += procedures();
  s += "CREATE OR REPLACE FUNCTION redline_migration.drop_invalid_index(p_name text) RETURNS void\n"
       "LANGUAGE plpgsql AS $f$\nBEGIN\n"
       "  IF EXISTS (SELECT 1 FROM pg_index AS i WHERE i.indexrelid = to_regclass(p_name) AND NOT i.indisvalid) THEN\n"
       "    RAISE NOTICE 'redline: index % was left invalid by a killed build: building it again', p_name;\n"
       "    EXECUTE format('DROP INDEX %I', p_name);\n"
       "  END IF;\nEND\n$f$;\n";

  for (const auto& st : normalization_steps()) {
    s += section(std::string(st.id) + " (" + to_string(st.phase) + ") " + st.title);
    s += std::string("-- records: ") + st.records + "\n";
    s += st.postgresql(c);
  }

  s += section("verification: the checklist's data items and the preview's fingerprints");
  s += "SET statement_timeout = 0;\n"
       // As at the start: a statement of its own, so that it may run in parallel.
       "CREATE TEMP TABLE redline_after_diff (d) AS\n" + fingerprint_diff_sql(crm::Shape::After, c.after) + ";\n"
       "DO $verify$\nDECLARE\n  v text;\n  v_fail text := '';\n  v_live text;\nBEGIN\n"
       "  -- employees_have_users\n"
       "  SELECT string_agg(e.id::text, ', ' ORDER BY e.id) INTO v FROM employees AS e\n"
       "    WHERE e.user_id IS NULL OR NOT EXISTS (SELECT 1 FROM users AS u WHERE u.id = e.user_id);\n"
       "  IF v IS NOT NULL THEN v_fail := v_fail || '; employees_have_users: employees ' || v; END IF;\n"
       "  -- orgs_have_currency\n"
       "  SELECT string_agg(o.id::text, ', ' ORDER BY o.id) INTO v FROM organizations AS o WHERE o.default_currency IS NULL;\n"
       "  IF v IS NOT NULL THEN v_fail := v_fail || '; orgs_have_currency: organizations ' || v; END IF;\n"
       "  -- foreign_keys_intact: every addressable points at an address (the server holds that: M2's\n"
       "  -- validated foreign key) and at an existing row of its model (outer joins, hashed: a NOT\n"
       "  -- EXISTS per link and model probed the tables row by row).\n"
       "  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'addressables'::regclass AND contype = 'f'\n"
       "                 AND confrelid = 'addresses'::regclass AND convalidated) THEN\n"
       "    v_fail := v_fail || '; foreign_keys_intact: addressables.address_id has no validated foreign key';\n"
       "  END IF;\n"
       "  SELECT string_agg(x.id::text, ', ' ORDER BY x.id) INTO v FROM addressables AS x\n"
       "    JOIN django_content_type AS ct ON ct.id = x.content_type_id\n"
       "    LEFT JOIN organizations AS r1 ON ct.model = 'organization' AND r1.id = x.object_id\n"
       "    LEFT JOIN customers AS r2 ON ct.model = 'customer' AND r2.id = x.object_id\n"
       "    LEFT JOIN vendors AS r3 ON ct.model = 'vendor' AND r3.id = x.object_id\n"
       "    LEFT JOIN leads AS r4 ON ct.model = 'lead' AND r4.id = x.object_id\n"
       "    LEFT JOIN employees AS r5 ON ct.model = 'employee' AND r5.id = x.object_id\n"
       "    WHERE (ct.model = 'organization' AND r1.id IS NULL) OR (ct.model = 'customer' AND r2.id IS NULL)\n"
       "       OR (ct.model = 'vendor' AND r3.id IS NULL) OR (ct.model = 'lead' AND r4.id IS NULL)\n"
       "       OR (ct.model = 'employee' AND r5.id IS NULL);\n"
       "  IF v IS NOT NULL THEN v_fail := v_fail || '; foreign_keys_intact: addressables ' || v; END IF;\n"
       "  -- addresses_migrated: one primary address per migrated row (grouped by the links' own\n"
       "  -- columns, which I1's index covers; the model's name joined to the few duplicates).\n"
       "  SELECT string_agg(ct.model || ' ' || q.object_id, ', ') INTO v FROM (SELECT x.content_type_id, x.object_id\n"
       "    FROM addressables AS x GROUP BY x.content_type_id, x.object_id HAVING count(*) > 1) AS q\n"
       "    JOIN django_content_type AS ct ON ct.id = q.content_type_id;\n"
       "  IF v IS NOT NULL THEN v_fail := v_fail || '; addresses_migrated: more than one address for ' || v; END IF;\n"
       "  -- required_not_null\n"
       "  IF NOT (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'employees'::regclass AND attname = 'user_id') THEN\n"
       "    v_fail := v_fail || '; required_not_null: employees.user_id is nullable';\n"
       "  END IF;\n"
       "  -- the indexes\n"
       "  SELECT string_agg(x, ', ') INTO v FROM unnest(ARRAY['idx_addressables_content_type', "
       "'idx_addresses_is_primary', 'idx_employees_user']) AS x\n"
       "    WHERE NOT EXISTS (SELECT 1 FROM pg_index AS i WHERE i.indexrelid = to_regclass(x) AND i.indisvalid);\n"
       "  IF v IS NOT NULL THEN v_fail := v_fail || '; indexes missing or invalid: ' || v; END IF;\n"
       "  IF v_fail <> '' THEN\n"
       "    RAISE EXCEPTION 'redline verification failed: %', substr(v_fail, 3);\n"
       "  END IF;\n"
       "  -- The preview's counts and fingerprints.\n"
       "  SELECT d INTO v FROM pg_temp.redline_after_diff;\n"
       "  SELECT live_differs INTO v_live FROM redline_migration.run;\n"
       "  IF v IS NOT NULL AND coalesce(v_live, '') = '' THEN\n"
       "    RAISE EXCEPTION 'redline verification failed: the result differs from the preview: %', v\n"
       "      USING HINT = 'the pre-images in schema redline_migration keep the old values; the revert script restores them';\n"
       "  ELSIF v IS NOT NULL THEN\n"
       "    RAISE NOTICE 'redline: the result differs from the preview (%), as the live data differed from the snapshot at "
       "the start (%)', v, v_live;\n"
       "  ELSE\n"
       "    RAISE NOTICE 'redline: verified: the checklist''s data items pass and every table matches the preview';\n"
       "  END IF;\n"
       "END\n$verify$;\n"
       "UPDATE redline_migration.run SET finished_at = clock_timestamp() WHERE finished_at IS NULL;\n";
  return s;
}

std::string revert_script(const ScriptContext& c) {
  std::string s = header(c, true);
  s += "SELECT to_regclass('redline_migration.run') IS NOT NULL AS redline_present \\gset\n"
       "\\if :redline_present\n"
       "\\else\n"
       "DO $$ BEGIN\n"
       "  IF to_regclass('addresses') IS NOT NULL THEN\n"
       "    RAISE EXCEPTION 'redline revert: no schema redline_migration here (the migration script did not run on this "
       "database, or its state was dropped): nothing to restore from';\n"
       "  END IF;\n"
       "  RAISE NOTICE 'redline revert: nothing to do (no migration state, old structure)';\n"
       "END $$;\n"
       "\\quit\n"
       "\\endif\n";
  s += procedures();
  s += "SET lock_timeout = 0;\nSET statement_timeout = 0;\n";
  for (const char* i : {"idx_addressables_content_type", "idx_addresses_is_primary", "idx_employees_user"})
    s += std::string("DROP INDEX CONCURRENTLY IF EXISTS ") + i + ";\n";
  s += kDdlSession;
  s += ddl("R1", "user_id-nullable",
           {"ALTER TABLE employees DROP CONSTRAINT IF EXISTS redline_employees_user_id_not_null",
            "ALTER TABLE employees ALTER COLUMN user_id DROP NOT NULL"});
  // The dropped columns back (nullable until their values are in), in their old order.
  for (const char* t : kContractTables) {
    s += ddl("R2", std::string(t) + "-columns",
             {"DO $r$ DECLARE r record; BEGIN FOR r IN SELECT * FROM redline_migration.dropped_columns WHERE "
              "table_name = " + lit(t) + " ORDER BY position LOOP EXECUTE format('ALTER TABLE %I ADD COLUMN IF NOT "
              "EXISTS %I %s', r.table_name, r.column_name, r.type); END LOOP; END $r$"});
  }
  s += kBatchSession;
  for (const char* t : kContractTables) {
    std::string set;
    for (const auto& col : norm::dropped_columns(t)) set += (set.empty() ? "" : ", ") + col + " = p." + col;
    s += batched(c, "R3", std::string(t) + "-values", t, "id",
                 {"UPDATE " + std::string(t) + " AS t SET " + set + " FROM redline_migration.pre_" + t +
                  " AS p WHERE p.id = t.id AND t.id > $1 AND t.id <= $2"});
  }
  s += batched(c, "R4", "users-values", "redline_migration.pre_users", "id",
               {"UPDATE users AS u SET first_name = p.first_name, last_name = p.last_name, email = p.email, phone = "
                "p.phone FROM redline_migration.pre_users AS p WHERE u.id = p.id AND p.id > $1 AND p.id <= $2"});
  s += batched(c, "R4", "employees-user_id", "redline_migration.pre_employee_user", "id",
               {"UPDATE employees AS e SET user_id = p.user_id FROM redline_migration.pre_employee_user AS p WHERE "
                "e.id = p.id AND p.id > $1 AND p.id <= $2"});
  s += batched(c, "R4", "created-users", "redline_migration.m1_plan", "emp_id",
               {"DELETE FROM users AS u USING redline_migration.m1_plan AS p WHERE u.id = p.target AND p.kind = "
                "'create' AND p.emp_id > $1 AND p.emp_id <= $2"});
  s += kDdlSession;
  // Rows the application added since the migration have no pre-image: '' where the
  // old column was NOT NULL (text columns: every dropped column is text).
  for (const char* t : kContractTables) {
    s += ddl("R5", std::string(t) + "-not-null",
             {"DO $r$ DECLARE r record; BEGIN FOR r IN SELECT * FROM redline_migration.dropped_columns WHERE "
              "table_name = " + lit(t) + " AND not_null ORDER BY position LOOP EXECUTE format('UPDATE %I SET %I = "
              "'''' WHERE %I IS NULL', r.table_name, r.column_name, r.column_name); EXECUTE format('ALTER TABLE %I "
              "ALTER COLUMN %I SET NOT NULL', r.table_name, r.column_name); END LOOP; END $r$"});
  }
  s += ddl("R6", "new-structure",
           {"DROP TABLE IF EXISTS addressables", "DROP TABLE IF EXISTS addresses",
            "ALTER TABLE organizations DROP COLUMN IF EXISTS default_currency",
            "ALTER TABLE deals ALTER COLUMN currency SET NOT NULL",
            "ALTER TABLE orders ALTER COLUMN currency SET NOT NULL",
            "ALTER TABLE payments ALTER COLUMN currency SET NOT NULL"});
  s += ddl("R7", "bookkeeping",
           {"DELETE FROM auth_permission WHERE content_type_id > (SELECT content_types_at_start FROM "
            "redline_migration.run)",
            "DELETE FROM django_content_type WHERE id > (SELECT content_types_at_start FROM redline_migration.run)",
            "DELETE FROM django_migrations WHERE app = 'crmApp' AND name IN ('0002_expand', "
            "'0003_migrate_redundant_data', '0004_contract', '0005_indexes')",
            // The sequences as they were at the start.
            "SELECT CASE WHEN (r.sequences -> t ->> 'last_value') IS NULL THEN setval(pg_get_serial_sequence(t, 'id')::regclass, "
            "1, false) ELSE setval(pg_get_serial_sequence(t, 'id')::regclass, (r.sequences -> t ->> 'last_value')::bigint, true) "
            "END FROM redline_migration.run AS r, unnest(ARRAY['users', 'django_content_type', 'auth_permission', "
            "'django_migrations']) AS t"});
  s += "DROP SCHEMA redline_migration CASCADE;\n"
       "DO $$ BEGIN RAISE NOTICE 'redline revert: done: the old structure and values are back'; END $$;\n";
  return s;
}

Result<ScriptContext> script_context(sql::Database& snapshot, const NormalizeOptions& options,
                                     std::string snapshot_name, std::string snapshot_sha256) {
  ScriptContext c;
  c.options = options;
  c.snapshot_name = std::move(snapshot_name);
  c.snapshot_sha256 = std::move(snapshot_sha256);
  auto before = fingerprints(snapshot, crm::Shape::Before);
  if (!before) return before.error();
  c.before = std::move(before.value());
  auto copy = snapshot.clone();
  if (!copy) return copy.error();
  NormalizeOptions preview = options;
  // The preview's own timestamp does not reach the script: fingerprints leave dates out.
  if (preview.now.empty()) preview.now = "2000-01-01 00:00:00";
  preview.record_timings = false;
  preview.strict = false;
  Report r = normalize(*copy, preview);
  if (r.error) return *r.error;
  for (const auto& h : r.hazards) {
    if (h.kind == "username_collision") c.preview_collisions = h.ids;
    if (h.kind == "contact_overwrite") c.preview_overwrites = h.ids;
    if (h.kind == "zip_only_address") c.preview_zip_only = h.ids;
  }
  auto after = fingerprints(*copy, crm::Shape::After);
  if (!after) return after.error();
  c.after = std::move(after.value());
  return c;
}

}  // namespace redline::pg
