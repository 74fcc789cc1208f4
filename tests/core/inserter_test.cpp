// The batched Inserter the pg_dump loader and the demo generator write rows with:
// every row arrives with its values' storage classes, whether written by full
// batches, short ones or row by row; a rejected row is blamed on the row (its tag),
// not on its batch; a batch holding too many bytes is written early.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/load/inserter.hpp"
#include "core/sqlite.hpp"

using namespace redline;
using detail::Inserter;
using detail::RowFailure;

namespace {

sql::Database make_db() {
  auto db = sql::Database::open_memory();
  EXPECT_TRUE(db.ok());
  EXPECT_TRUE(db->exec("CREATE TABLE t (id integer PRIMARY KEY, name text, data blob)").ok());
  return std::move(*db);
}

std::string dump(sql::Database& db) {
  auto st = db.prepare("SELECT group_concat(id || ':' || typeof(name) || ':' || coalesce(name, '-') || ':' || "
                       "typeof(data), ' ') FROM (SELECT * FROM t ORDER BY id)");
  EXPECT_TRUE(st.ok());
  auto r = st->step();
  EXPECT_TRUE(r.ok());
  return st->column_text(0);
}

detail::Blame keep(RowFailure& out) {
  return [&out](const RowFailure& f) {
    out = f;
    return make_error(ErrorCode::BadInput, "rejected: " + f.message, "row " + std::to_string(f.tag));
  };
}

}  // namespace

TEST(Inserter, FullShortAndSingleRowBatchesWriteTheSameRows) {
  std::string want;
  for (bool partial_as_one : {false, true}) {
    SCOPED_TRACE(partial_as_one);
    sql::Database db = make_db();
    RowFailure f;
    Inserter::Options o;
    o.max_rows = 8;
    o.partial_as_one = partial_as_one;
    auto ins = Inserter::make(db, "t", {"id", "name", "data"}, o, keep(f));
    ASSERT_TRUE(ins.ok()) << ins.error().describe();
    EXPECT_EQ(ins->batch(), 8u);
    const std::string blob("\x00\x01", 2);
    for (int i = 1; i <= 21; ++i) {  // two full batches and a short one of 5
      if (i % 3 == 2) {
        // Column after column, the text copied (the demo generator's way).
        std::string scratch = std::to_string(i * 10);
        ins->integer(i);
        ins->text(scratch);
        scratch = "overwritten";
        ins->null();
      } else {
        ins->set_int(0, i);
        if (i % 3 == 0) ins->set_null(1);
        else ins->set_text(1, i == 1 ? std::string_view() : std::string_view("ab"));
        ins->set_blob(2, blob);
      }
      ASSERT_TRUE(ins->end_row(static_cast<std::size_t>(i)).ok());
    }
    EXPECT_EQ(ins->pending(), 5u);
    ASSERT_TRUE(ins->flush().ok());
    EXPECT_EQ(ins->pending(), 0u);
    std::string got = dump(db);
    EXPECT_NE(got.find("1:text::blob "), std::string::npos) << got;  // '' stays text, not NULL
    EXPECT_NE(got.find("3:null:-:blob"), std::string::npos) << got;
    EXPECT_NE(got.find("4:text:ab:blob"), std::string::npos) << got;
    EXPECT_NE(got.find("20:text:200:null"), std::string::npos) << got;
    EXPECT_NE(got.find("21:null:-:blob"), std::string::npos) << got;
    EXPECT_EQ(std::count(got.begin(), got.end(), ' '), 20) << got;
    if (want.empty()) want = got;
    EXPECT_EQ(got, want);
  }
}

TEST(Inserter, ARejectedRowIsBlamedByItsTag) {
  sql::Database db = make_db();
  ASSERT_TRUE(db.exec("INSERT INTO t (id) VALUES (13)").ok());
  RowFailure f;
  Inserter::Options o;
  o.max_rows = 8;
  auto ins = Inserter::make(db, "t", {"id", "name"}, o, keep(f));
  ASSERT_TRUE(ins.ok());
  Status s = ok_status();
  for (int i = 9; i <= 16 && s.ok(); ++i) {  // one full batch: 9..16, with 13 taken
    ins->set_int(0, i);
    ins->set_text(1, "x");
    s = ins->end_row(static_cast<std::size_t>(i) * 100);
  }
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().context, "row 1300");
  EXPECT_EQ(f.column, -1);
  EXPECT_NE(f.message.find("UNIQUE"), std::string::npos) << f.message;
  // The rows before the bad one are in (row by row), none after it.
  EXPECT_EQ(dump(db), "9:text:x:null 10:text:x:null 11:text:x:null 12:text:x:null 13:null:-:null");
}

TEST(Inserter, ABatchHoldingTooManyBytesIsWrittenEarly) {
  sql::Database db = make_db();
  RowFailure f;
  Inserter::Options o;
  o.max_batch_bytes = 1000;
  o.scratch_keep = 100;
  auto ins = Inserter::from_sql(db, "INSERT INTO \"t\" (\"id\", \"name\") VALUES (?,?)", o, keep(f));
  ASSERT_TRUE(ins.ok());
  EXPECT_EQ(ins->columns(), 2u);
  ins->set_int(0, 1);
  ins->set_text(1, "small");
  ASSERT_TRUE(ins->end_row(1).ok());
  EXPECT_EQ(ins->pending(), 1u);
  ins->set_int(0, 2);
  std::string& big = ins->scratch(1);
  big.assign(5000, 'z');
  ins->add_scratch_bytes(big.size());
  ins->set_text(1, big);
  ASSERT_TRUE(ins->end_row(2).ok());
  EXPECT_EQ(ins->pending(), 0u);  // written at once
  EXPECT_EQ(dump(db), "1:text:small:null 2:text:" + std::string(5000, 'z') + ":null");
}

// A REAL value (the dumpdata loader's JSON floats in inferred columns) keeps its
// storage class and value, in a full batch and row by row.
TEST(Inserter, RealValuesStayReal) {
  sql::Database db = make_db();
  // No declared type: no affinity turns the value into text (as in an inferred column).
  ASSERT_TRUE(db.exec("CREATE TABLE r (id integer PRIMARY KEY, v)").ok());
  RowFailure f;
  Inserter::Options o;
  o.max_rows = 2;
  auto ins = Inserter::make(db, "r", {"id", "v"}, o, keep(f));
  ASSERT_TRUE(ins.ok()) << ins.error().describe();
  for (int i = 1; i <= 3; ++i) {  // a full batch of 2, then one row alone
    ins->set_int(0, i);
    ins->set_real(1, i + 0.25);
    ASSERT_TRUE(ins->end_row(static_cast<std::size_t>(i)).ok());
  }
  ASSERT_TRUE(ins->flush().ok());
  auto st = db.prepare("SELECT group_concat(id || ':' || typeof(v) || ':' || v, ' ') FROM (SELECT * FROM r ORDER BY id)");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(st->step().ok());
  EXPECT_EQ(st->column_text(0), "1:real:1.25 2:real:2.25 3:real:3.25");
}
