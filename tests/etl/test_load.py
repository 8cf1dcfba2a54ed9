"""The loader's contract (DESIGN §4.1): accounting, duplicates, updates, refusals, exit codes, personal data."""

from __future__ import annotations

import json
import random

import duckdb
import pytest

import config
from etl import warehouse
from etl.__main__ import main
from etl.cases import cases_sql
from etl.text import fold

HEADER = "source_id,received_at,channel,province_code,commune_code,field,content,citizen_name,citizen_phone,citizen_id,status"


def _feedback_csv(path, rows):
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _valid_rows(n=40, seed=42, status="received"):
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        phone = f"09{rng.randrange(10**7, 10**8)}"
        cccd = f"0{rng.randrange(10**10, 10**11)}"
        rows.append(
            f"R{i:04d},2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} 08:30,app,79,,dat_dai,"
            f"Khiếu nại đền bù gọi {phone},Nguyễn Văn {i},{phone},{cccd},{status}"
        )
    return rows


def _load(paths, capsys, *extra):
    code = main(["load", *map(str, paths), "--json", *extra])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else None


def test_loading_the_same_file_twice_adds_nothing(data_dir, tmp_path, capsys):
    path = _feedback_csv(tmp_path / "fb.csv", _valid_rows())
    code, first = _load([path], capsys)
    assert code == 0
    assert first["files"][0]["loaded"] == 40
    code, second = _load([path], capsys)
    f = second["files"][0]
    assert code == 0
    assert (f["loaded"], f["updated"], f["duplicates"], f["rows_read"]) == (0, 0, 40, 40)
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    assert con.sql("SELECT count(*) FROM feedback").fetchall()[0][0] == 40


def test_a_newer_export_updates_the_record(data_dir, tmp_path, capsys):
    _load([_feedback_csv(tmp_path / "a.csv", _valid_rows(status="received"))], capsys)
    rows = _valid_rows(status="received")
    rows[3] = rows[3].replace(",received", ",Đã trả lời")
    code, result = _load([_feedback_csv(tmp_path / "b.csv", rows)], capsys)
    f = result["files"][0]
    assert (f["loaded"], f["updated"], f["duplicates"]) == (0, 1, 39)
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    assert con.sql("SELECT status FROM feedback WHERE source_id = 'R0003'").fetchall() == [("answered",)]


def test_bad_rows_are_quarantined_with_reasons_and_originals(data_dir, tmp_path, capsys):
    rows = _valid_rows(5) + [
        "B1,31/02/2026,app,79,,,ngày sai,,,,",
        "B2,2026-03-02,fax,79,,,kênh lạ,,,,",
        "B3,2026-03-02,app,99,,,tỉnh lạ,,,,",
        ",2026-03-02,app,79,,,thiếu mã,,,,",
        "B5,2026-03-02,app,79,,,gọi 0912345678,Lê Thị C,0912 345 678,012345678901,",
        "Tổng cộng,,,,,,,,,,",
    ]
    rows[-2] = rows[-2].replace(",app,79,", ",app,79,00097,").replace(",,gọi", ",gọi")  # commune outside province
    code, result = _load([_feedback_csv(tmp_path / "bad.csv", rows)], capsys)
    f = result["files"][0]
    assert f["rows_read"] == 11
    assert f["skipped"] == 1
    assert f["loaded"] + f["updated"] + f["duplicates"] + f["quarantined"] + f["skipped"] == f["rows_read"]
    assert f["reasons"] == {
        "invalid_date": 1,
        "unknown_channel": 1,
        "unknown_province": 1,
        "missing_value": 1,
        "commune_not_in_province": 1,
    }
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    quarantined = con.sql("SELECT row_number, reason, original FROM quarantine ORDER BY row_number").fetchall()
    assert quarantined[0][0] == 7  # header is line 1, five valid rows, then the impossible date
    assert "31/02/2026" in quarantined[0][1]
    assert json.loads(quarantined[0][2])["received_at"] == "31/02/2026"
    masked = json.loads(quarantined[-1][2])
    assert masked["citizen_name"] == "[đã ẩn]"
    assert "0912" not in quarantined[-1][2] and "012345678901" not in quarantined[-1][2]


def test_broken_files_are_refused_and_the_others_still_load(data_dir, tmp_path, capsys):
    good = _feedback_csv(tmp_path / "good.csv", _valid_rows(10))
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"PK\x03\x04" + random.Random(1).randbytes(4096))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("ten,tuoi,que_quan\nA,30,Huế\n", encoding="utf-8")
    code, result = _load([junk, empty, good, wrong], capsys)
    assert code == 1
    by_name = {f["path"].rsplit("/", 1)[-1]: f for f in result["files"]}
    assert by_name["good.csv"]["status"] == "loaded" and by_name["good.csv"]["loaded"] == 10
    for name in ("junk.csv", "empty.csv", "wrong.csv"):
        assert by_name[name]["status"] == "refused"
        assert by_name[name]["error"] and "\n" not in by_name[name]["error"]
    assert "rỗng" in by_name["empty.csv"]["error"]
    assert "nhị phân" in by_name["junk.csv"]["error"] or "giải mã" in by_name["junk.csv"]["error"]
    assert "không nhận ra" in by_name["wrong.csv"]["error"]


def test_no_phone_or_id_number_reaches_the_warehouse_file(data_dir, tmp_path, capsys):
    rows = _valid_rows(30, seed=7)
    _load([_feedback_csv(tmp_path / "fb.csv", rows)], capsys)
    secrets = set()
    for row in rows:
        cells = row.split(",")
        secrets |= {cells[8], cells[9], cells[7]}
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    text_columns = con.sql(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE data_type = 'VARCHAR' AND NOT internal AND schema_name = 'main'"
    ).fetchall()
    for table, column in text_columns:
        values = " ".join(str(v[0]) for v in con.sql(f'SELECT "{column}" FROM "{table}"').fetchall())
        leaked = [s for s in secrets if s in values]
        assert not leaked, f"{table}.{column} holds personal data: {leaked[:2]}"
    con.close()
    blob = config.current_warehouse().read_bytes()
    assert not [s for s in secrets if s.encode() in blob]


def test_pii_key_from_environment_changes_the_hashes(data_dir, tmp_path, capsys, monkeypatch):
    path = _feedback_csv(tmp_path / "fb.csv", _valid_rows(3))
    _load([path], capsys)
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    first = con.sql("SELECT phone_hash FROM feedback ORDER BY source_id").fetchall()
    con.close()
    monkeypatch.setenv("FRONT_PII_KEY", "another-secret")
    _load([path], capsys)
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    second = con.sql("SELECT phone_hash FROM feedback ORDER BY source_id").fetchall()
    assert first != second and all(0 < h[0] < 2**128 for h in second)  # 128 bits of HMAC-SHA256, as a number


def test_status_rollback_and_rebuild(data_dir, tmp_path, capsys):
    _load([_feedback_csv(tmp_path / "a.csv", _valid_rows(5))], capsys)
    _load([_feedback_csv(tmp_path / "b.csv", _valid_rows(8, seed=9))], capsys)
    assert main(["status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["generation"] == 2
    assert status["tables"]["dim_province"] == 34 and status["tables"]["dim_commune"] == 3321
    assert status["warehouse"].endswith("gen-000002.duckdb")
    assert main(["rollback"]) == 0
    capsys.readouterr()
    assert warehouse.current_generation() == 1
    assert main(["rebuild"]) == 0
    capsys.readouterr()
    assert warehouse.current_generation() == 3
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    assert con.sql("SELECT count(*) FROM feedback").fetchall()[0][0] == 8  # a.csv's R0000-R0004 updated by b.csv


def test_a_second_writer_gets_exit_code_3(data_dir, tmp_path, capsys):
    path = _feedback_csv(tmp_path / "fb.csv", _valid_rows(2))
    with warehouse.write_lock():
        assert main(["load", str(path), "--json"]) == 3


def test_usage_errors_exit_2(data_dir, capsys):
    assert main(["load"]) == 2
    assert main(["load", "x.csv", "--kind", "nonsense"]) == 2


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("FRONT_DATA_DIR", str(folder))
    monkeypatch.delenv("FRONT_PII_KEY", raising=False)
    return folder


def test_a_row_without_codes_or_address_is_quarantined_as_no_locality(data_dir, tmp_path, capsys):
    path = tmp_path / "nowhere.csv"
    path.write_text(
        "source_id,received_at,channel,province_code,address,content\nN1,2026-03-01,app,,,Ở đâu?\n", encoding="utf-8"
    )
    code, result = _load([path], capsys)
    assert result["files"][0]["reasons"] == {"no_locality": 1}


def test_the_same_concern_through_several_channels_is_one_case(data_dir, tmp_path, capsys):
    path = tmp_path / "cases.csv"
    rows = [
        "C1,2026-03-01 08:00,app,79,27154,dat_dai,Đền bù,,0912000111,,received",
        "C2,2026-03-05 08:00,hotline,79,27154,dat_dai,Đền bù lần 2,,0912 000 111,,received",  # same person, 4 days
        "C3,2026-03-18 08:00,zalo,79,27154,dat_dai,Vẫn chưa xong,,+84912000111,,received",  # 13 days after C2
        "C4,2026-04-20 08:00,app,79,27154,dat_dai,Lần khác,,0912000111,,received",  # 33 days later: new case
        "C5,2026-03-02 08:00,app,79,27154,y_te,Khác lĩnh vực,,0912000111,,received",  # other field
        "C6,2026-03-02 09:00,app,79,27154,dat_dai,Người khác,,0988000222,,received",  # other person
    ]
    _load([_feedback_csv(path, rows)], capsys)
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    cases = dict(con.sql("SELECT source_id, case_id FROM feedback_case").fetchall())
    sizes = dict(con.sql("SELECT source_id, case_channels FROM feedback_case").fetchall())
    assert cases["C1"] == cases["C2"] == cases["C3"]
    assert sizes["C1"] == 3
    assert con.sql(cases_sql()).fetchall()[0][0] == 4 and con.sql("SELECT count(*) FROM feedback").fetchall()[0][0] == 6
    assert set(cases) == {"C1", "C2", "C3", "C4"}  # C5, C6: the only opinion of their person, field, commune


def test_unknown_survey_items_are_reported_and_ignored(data_dir, tmp_path, capsys):
    path = tmp_path / "survey.csv"
    path.write_text(
        "response_id,wave,province_code,q_trust_front,q_made_up\nS1,2026Q3,79,4,5\nS2,2026Q3,01,,3\n", encoding="utf-8"
    )
    code, result = _load([path], capsys)
    f = result["files"][0]
    assert f["loaded"] == 2 and any("q_made_up" in w for w in f["warnings"])
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    assert con.sql("SELECT response_id, item, value FROM survey_answer ORDER BY 1").fetchall() == [
        ("S1", "q_trust_front", 4.0)
    ]


def test_opinions_are_stored_in_time_order_within_each_load(data_dir, tmp_path, capsys):
    rows = _valid_rows(n=60)  # random dates, in no order
    _load([_feedback_csv(tmp_path / "a.csv", rows[:40])], capsys)
    # the next export: 20 new rows, 10 unchanged (left out), 1 changed (rewritten)
    again = [*rows[30:40], rows[20].replace(",received", ",resolved"), *rows[40:]]
    _, result = _load([_feedback_csv(tmp_path / "b.csv", again)], capsys)
    f = result["files"][0]
    assert (f["loaded"], f["updated"], f["duplicates"]) == (20, 1, 10)
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    stored = con.sql("SELECT load_id, received_at FROM feedback ORDER BY rowid").fetchall()
    for load in {load for load, _ in stored}:
        times = [at for load_id, at in stored if load_id == load]
        assert times == sorted(times) and len(set(times)) > 5


def test_a_newer_survey_export_replaces_the_answers_of_changed_responses_only(data_dir, tmp_path, capsys):
    header = "response_id,wave,province_code,q_trust_front,q_trust_overall\n"
    first = tmp_path / "w1.csv"
    first.write_text(header + "S1,2026Q3,79,4,5\nS2,2026Q3,01,3,3\nS3,2026Q3,01,2,\n", encoding="utf-8")
    _load([first], capsys)
    second = tmp_path / "w2.csv"  # S1 unchanged, S2 changed (twice: the later row wins), S4 new
    second.write_text(
        header + "S1,2026Q3,79,4,5\nS2,2026Q3,01,1,1\nS4,2026Q3,79,5,4\nS2,2026Q3,01,2,\n", encoding="utf-8"
    )
    _, result = _load([second], capsys)
    f = result["files"][0]
    assert (f["loaded"], f["updated"], f["duplicates"]) == (1, 2, 1)
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    answers = con.sql("SELECT response_id, item, value FROM survey_answer ORDER BY 1, 2").fetchall()
    assert answers == [
        ("S1", "q_trust_front", 4.0),
        ("S1", "q_trust_overall", 5.0),
        ("S2", "q_trust_front", 2.0),
        ("S3", "q_trust_front", 2.0),
        ("S4", "q_trust_front", 5.0),
        ("S4", "q_trust_overall", 4.0),
    ]
    assert con.sql("SELECT count(*) FROM survey_response").fetchall()[0][0] == 4
    con.close()
    third = tmp_path / "w3.csv"  # no repeated response: S1 changed, S4 unchanged
    third.write_text(header + "S1,2026Q3,79,1,\nS4,2026Q3,79,5,4\n", encoding="utf-8")
    _, result = _load([third], capsys)
    f = result["files"][0]
    assert (f["loaded"], f["updated"], f["duplicates"]) == (0, 1, 1)
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    assert con.sql(
        "SELECT response_id, item, value FROM survey_answer WHERE response_id IN ('S1', 'S4') ORDER BY 1, 2"
    ).fetchall() == [
        ("S1", "q_trust_front", 1.0),
        ("S4", "q_trust_front", 5.0),
        ("S4", "q_trust_overall", 4.0),
    ]


def test_the_folded_search_text_follows_updates_duplicates_and_repeats(data_dir, tmp_path, capsys):
    _load([_feedback_csv(tmp_path / "a.csv", _valid_rows(status="received"))], capsys)
    rows = _valid_rows(status="received")
    rows[3] = rows[3].replace(",received", ",Đã trả lời")  # changed: the row is replaced
    rows.append(rows[5].replace("Khiếu nại", "ĐẤT ĐAI; (lần 2)!"))  # the same key twice: the later row wins
    rows.append(rows[0].replace("R0000", "R9999"))  # new
    _load([_feedback_csv(tmp_path / "b.csv", rows)], capsys)
    _load([_feedback_csv(tmp_path / "b.csv", rows)], capsys)  # re-sent: nothing changes
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    stored = con.sql("SELECT source_id, status, content, text_folded FROM feedback ORDER BY source_id").fetchall()
    assert len(stored) == 41 and len({r[0] for r in stored}) == 41
    assert all(folded == " " + fold(content) + " " for _, _, content, folded in stored)
    by_id = {r[0]: r for r in stored}
    assert by_id["R0005"][3].startswith(" dat dai lan 2 den bu goi ")
    assert by_id["R0003"][1] == "answered"


def test_an_older_warehouse_is_upgraded_by_the_next_load(data_dir, tmp_path, capsys):
    rows = _valid_rows(status="received") + [  # one person twice on a field in a commune: a case group
        "C1,2026-03-01 08:00,app,79,27154,dat_dai,Đền bù,,0912000111,,received",
        "C2,2026-03-05 08:00,hotline,79,27154,dat_dai,Đền bù lần 2,,0912 000 111,,received",
    ]
    _load([_feedback_csv(tmp_path / "a.csv", rows)], capsys)
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    hashes = con.sql("SELECT source_id, phone_hash, id_hash FROM feedback ORDER BY ALL").fetchall()
    groups = con.sql("SELECT source_id, who FROM feedback_case ORDER BY ALL").fetchall()
    con.close()
    assert len(groups) == 2 and groups[0][1] == groups[1][1]
    as_text = "printf('%032x', {0}) || repeat('f', 32)"  # 64 hex digits, as keyed hashes were stored until then
    with warehouse.write_lock(), warehouse.new_generation() as (_, con):  # as an older version left it
        con.execute("ALTER TABLE feedback DROP COLUMN text_folded")
        con.execute("ALTER TABLE feedback ALTER row_hash TYPE VARCHAR")  # the hash used to be stored as text
        con.execute("CREATE TABLE feedback_search AS SELECT source_system, source_id, content FROM feedback")
        for column in ("phone_hash", "id_hash"):
            con.execute(f"ALTER TABLE feedback ALTER {column} TYPE VARCHAR USING {as_text.format(column)}")
        con.execute(f"ALTER TABLE feedback_case ALTER who TYPE VARCHAR USING {as_text.format('who')}")
    _, result = _load(
        [_feedback_csv(tmp_path / "b.csv", [rows[0].replace(",received", ",resolved"), *rows[1:]])], capsys
    )
    again = result["files"][0]
    assert (again["updated"], again["duplicates"], again["loaded"]) == (1, 41, 0)  # old text hashes still compare
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    tables = {r[0] for r in con.sql("SELECT table_name FROM duckdb_tables()").fetchall()}
    stored = con.sql("SELECT content, text_folded FROM feedback").fetchall()
    assert "feedback_search" not in tables and len(stored) == 42
    assert all(folded == " " + fold(content) + " " for content, folded in stored)
    definition = con.sql("SELECT sql FROM duckdb_tables() WHERE table_name = 'feedback'").fetchall()[0][0]
    assert "text_folded VARCHAR USING COMPRESSION Uncompressed" in definition  # scanned whole by every search
    # keyed hashes as 128-bit numbers again: the same values as a new load stores, the case group regrouped
    assert con.sql("SELECT source_id, phone_hash, id_hash FROM feedback ORDER BY ALL").fetchall() == hashes
    assert con.sql("SELECT source_id, who FROM feedback_case ORDER BY ALL").fetchall() == groups


def test_cases_updated_after_a_load_equal_cases_recomputed_from_scratch(data_dir, tmp_path, capsys):
    from etl import cases

    first = [
        "C1,2026-03-01 08:00,app,79,27154,dat_dai,Đền bù,,0912000111,,received",
        "C2,2026-03-05 08:00,hotline,79,27154,dat_dai,Đền bù lần 2,,0912 000 111,,received",
        "C3,2026-03-18 08:00,zalo,79,27154,dat_dai,Vẫn chưa xong,,+84912000111,,received",
        "C4,2026-03-20 08:00,app,79,27154,dat_dai,Lần nữa,,0912000111,,received",
        "C5,2026-03-02 08:00,app,79,27154,y_te,Khác lĩnh vực,,0912000111,,received",
        "C6,2026-03-02 09:00,app,79,27154,dat_dai,Người khác,,0988000222,,received",
    ]
    others = [f"F{i},2026-03-0{1 + i % 9} 08:00,app,79,27154,y_te,Khác,,09130001{i:02d},,received" for i in range(20)]
    _load([_feedback_csv(tmp_path / "a.csv", first + others)], capsys)
    second = [
        first[3].replace(",dat_dai,", ",y_te,"),  # C4 leaves the land case for the health one
        "C7,2026-03-25 08:00,hotline,79,27154,y_te,Bệnh viện,,0912000111,,received",
        "C8,2026-03-06 08:00,zalo,79,27154,dat_dai,Người khác nữa,,0988000222,,received",  # joins C6
    ]
    _load([_feedback_csv(tmp_path / "b.csv", second)], capsys)
    correction = tmp_path / "fix.csv"
    correction.write_text(
        "source_system,source_id,field,corrected_at\nmattranso,C5,dat_dai,2026-04-01 10:00\n", encoding="utf-8"
    )
    _load([correction], capsys)  # C5 now belongs with C1-C3
    con = duckdb.connect(str(config.current_warehouse()))
    assert con.sql("SELECT count(*) FROM feedback").fetchall()[0][0] == 28  # so both later loads were incremental
    incremental = con.sql("SELECT * FROM feedback_case ORDER BY source_id").fetchall()
    cases.link_cases(con)  # from scratch
    assert con.sql("SELECT * FROM feedback_case ORDER BY source_id").fetchall() == incremental
    groups = dict(con.sql("SELECT source_id, case_id FROM feedback_case").fetchall())
    assert groups["C1"] == groups["C2"] == groups["C3"] == groups["C5"] and groups["C6"] == groups["C8"]
    assert groups["C4"] == groups["C7"] != groups["C1"]
    assert con.sql(cases_sql()).fetchall()[0][0] == 28 - 3 - 1 - 1  # C1-C3+C5, C6+C8, C4+C7 are 3 cases


def test_an_opinion_detail_shows_no_keyed_hash(data_dir, tmp_path, capsys):
    from analytics import voices
    from analytics.scope import Scope

    _load([_feedback_csv(tmp_path / "a.csv", _valid_rows(3))], capsys)
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    assert con.sql("SELECT count(phone_hash) FROM feedback").fetchall()[0][0] == 3
    found = voices.detail(con, Scope.all(), "mattranso", "R0001")
    assert found["opinion"]["content"].startswith("Khiếu nại đền bù gọi [SĐT]")
    assert not [k for k in found["opinion"] if k.endswith("_hash") and k != "row_hash"]


def test_every_file_read_is_archived_as_read_refused_or_not(data_dir, tmp_path, capsys):
    import hashlib

    from etl import archive

    good = _feedback_csv(tmp_path / "good.csv", _valid_rows(5))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, result = _load([good, empty], capsys)
    assert code == 1
    logged = {f["path"].rsplit("/", 1)[-1]: f for f in result["files"]}
    assert logged["good.csv"]["loaded"] == 5 and logged["empty.csv"]["status"] == "refused"
    archived = {e["original_name"]: e for e in archive.manifest()}
    for path in (good, empty):
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        assert archived[path.name]["sha256"] == sha
        assert (config.archive_dir() / archived[path.name]["file"]).read_bytes() == path.read_bytes()


def test_a_file_that_cannot_be_archived_loads_nothing(data_dir, tmp_path, capsys, monkeypatch):
    from etl import archive
    from etl.load import load_paths

    _load([_feedback_csv(tmp_path / "a.csv", _valid_rows(5))], capsys)
    before = config.current_warehouse()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(archive, "archive_file", disk_full)
    with pytest.raises(OSError, match="No space left"):
        load_paths([_feedback_csv(tmp_path / "b.csv", _valid_rows(8, seed=7))], progress=False)
    assert config.current_warehouse() == before  # no generation published: the rows were never written
    con = duckdb.connect(str(before), read_only=True)
    assert con.sql("SELECT count(*) FROM feedback").fetchall()[0][0] == 5


def test_a_demo_key_file_that_is_not_text_stops_the_load_with_a_reason(data_dir, tmp_path, capsys):
    data_dir.mkdir(parents=True)
    (data_dir / ".pii_key").write_bytes(b"\xff\xfe\x00secret")
    with pytest.raises(ValueError, match="UTF-8"):
        config.pii_key()
    assert main(["load", str(_feedback_csv(tmp_path / "a.csv", _valid_rows(3))), "--json"]) == 2
    assert "UTF-8" in capsys.readouterr().err and config.current_warehouse() is None
