"""The benchmark harness's own logic: parsing, ratios, verdicts, the table. No timing."""

import random

import pytest

from bench import report
from bench.catalog_data import price_minor, search_queries
from bench.dataset import Weighted
from bench.scenarios import SCENARIOS, Target, by_name, zipf_draw
from bench.server import parse_proc_status
from bench.wrk import Request, WrkError, WrkResult, parse_output

WRK_STDOUT = """Running 10s test @ http://127.0.0.1:8000
  2 threads and 32 connections
  Latency Distribution
     50%   12.00ms
Requests/sec:   1000.00
BENCH_RESULT {"requests":10000,"duration_us":10000000,"bytes":123456,"errors":{"connect":0,\
"read":2,"write":0,"status":3,"timeout":1},"non2xx":5,"statuses":{"404":3,"302":2},\
"latency_us":{"min":900,"mean":12500.5,"max":90000,"stdev":300.0,"percentiles":\
{"50":12000,"75":15000,"90":20000,"95":25000,"99":40000,"99.9":80000}}}
"""


def test_parse_output_reads_the_result_line():
    r = parse_output(WRK_STDOUT)
    assert r.requests == 10_000
    assert r.rps == pytest.approx(1000)
    assert r.latency_ms["p50"] == pytest.approx(12)
    assert r.latency_ms["p95"] == pytest.approx(25)
    assert r.latency_ms["p99.9"] == pytest.approx(80)
    assert r.statuses == {"404": 3, "302": 2}


def test_errors_are_non2xx_plus_socket_errors_without_double_counting_status():
    r = parse_output(WRK_STDOUT)
    # 5 non-2xx (3 of them >= 400, which wrk also counts as "status") + 2 read + 1 timeout
    assert r.errors == 8


def test_parse_output_without_result_line_fails_loudly():
    with pytest.raises(WrkError, match="BENCH_RESULT"):
        parse_output("Requests/sec: 10\n")


def test_request_line_is_tab_separated():
    req = Request("/api/events/", "POST", '{"a": 1}', (("Authorization", "Token abc"),))
    assert req.line() == 'POST\t/api/events/\t{"a": 1}\tAuthorization: Token abc'
    assert Request("/healthz").line() == "GET\t/healthz\t"


def test_request_line_rejects_tabs_and_newlines():
    with pytest.raises(ValueError):
        Request("/x", body="a\tb").line()
    with pytest.raises(ValueError):
        Request("/x\n").line()


def test_target_ratio_and_p95_and_errors():
    t = Target(ratio_min=0.5, p95_max_ms=50, max_errors=0)
    assert t.check(ratio=0.6, p95_ms=40, errors=0) == []
    misses = t.check(ratio=0.4, p95_ms=60, errors=2)
    assert len(misses) == 3
    assert t.check(ratio=None, p95_ms=1, errors=0) == ["ratio n/a < 0.5×"]
    assert t.describe() == "≥ 0.5× healthz, p95 ≤ 50 ms, 0 errors"


def test_baseline_is_the_mean_of_healthz_runs_and_ratio_divides_by_it():
    assert report.baseline([1000, 800]) == 900
    assert report.baseline([0]) is None
    assert report.ratio(450, 900) == 0.5
    assert report.ratio(450, None) is None


def _result(rps: float, p95: float = 10, non2xx: int = 0) -> WrkResult:
    return WrkResult(
        requests=int(rps * 10),
        duration_s=10,
        bytes=0,
        socket_errors={"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0},
        non2xx=non2xx,
        statuses={},
        latency_ms={"p50": p95 / 2, "p95": p95, "p99": p95 * 2},
    )


def test_judge_and_table():
    rows = [
        report.Row("healthz", "floor", 32, _result(1000)),
        report.Row("product_api", "api", 32, _result(600), Target(ratio_min=0.5)),
        report.Row("product_page", "page", 32, _result(300), Target(ratio_min=0.35)),
        report.Row("search", "search", 16, _result(200, p95=75.5), Target(p95_max_ms=50)),
        report.Row("feed", "feed", 32, None, Target(ratio_min=0.4), skipped="404"),
    ]
    report.judge(rows, report.baseline([1000]))
    assert [r.verdict for r in rows] == ["", "PASS", "FAIL", "FAIL", "SKIP"]
    assert rows[1].ratio == pytest.approx(0.6)
    text = report.table(rows)
    lines = text.splitlines()
    assert len({len(line) for line in lines}) == 1  # every line padded to the same width
    assert "| product_api " in text and "0.60" in text
    assert "FAIL (p95 75.5 ms > 50 ms)" in text
    assert "FAIL (ratio 0.30× < 0.35×)" in text


def test_proc_status_memory():
    text = "Name:\tgunicorn\nVmPeak:\t  300000 kB\nVmHWM:\t   81234 kB\nVmRSS:\t   80000 kB\n"
    m = parse_proc_status(7, text)
    assert (m.pid, m.hwm_kb, m.rss_kb) == (7, 81234, 80000)


def test_memory_lines_sum_and_max():
    lines = report.memory_lines(
        [{"pid": 1, "rss_kb": 1, "hwm_kb": 102400}, {"pid": 2, "rss_kb": 1, "hwm_kb": 51200}],
        None,
        replaced=1,
    )
    assert "max 100 MiB, sum 150 MiB" in lines[0]
    assert "replaced" in lines[-1]


def test_prices_look_like_shop_prices_in_each_currency():
    assert price_minor(19.5, "USD", 2) == 1999
    assert price_minor(19.5, "GBP", 2) % 100 == 99
    assert price_minor(19.5, "JPY", 0) % 10 == 0
    assert price_minor(19.5, "IDR", 0) % 1000 == 0


def test_weighted_draws_in_proportion():
    rng = random.Random(1)
    w = Weighted([("a", 90), ("b", 10)])
    draws = [w.draw(rng) for _ in range(2000)]
    assert 0.85 < draws.count("a") / len(draws) < 0.95


def test_search_queries_are_seeded_and_varied():
    a = search_queries(random.Random(3), 200)
    assert a == search_queries(random.Random(3), 200)
    assert len(set(a)) > 50
    assert all(len(q) >= 3 for q in a)


def test_scenarios_are_registered_with_healthz_first_and_unique_names():
    names = [s.name for s in SCENARIOS]
    assert names[0] == "healthz"
    assert len(names) == len(set(names))
    with pytest.raises(KeyError):
        by_name(["healthz", "nope"])


def test_zipf_draw_is_head_heavy_and_uniform_without_skew():
    items = list(range(1000))
    skewed = zipf_draw(random.Random(5), items, 20_000, 0.8)
    assert skewed.count(0) > 10 * max(skewed.count(999), 1)
    assert len(set(skewed)) > 500  # the long tail is still visited
    flat = zipf_draw(random.Random(5), items, 20_000, 0)
    assert max(flat.count(i) for i in items) < 60
    assert zipf_draw(random.Random(5), [], 10, 1) == []


def test_a_paired_floor_wins_over_the_run_baseline():
    row = report.Row("page", "page", 32, _result(300), Target(ratio_min=0.35))
    row.floor_rps = 600
    report.judge([row], report.baseline([1000]))
    assert row.ratio == pytest.approx(0.5)
    assert row.verdict == "PASS"
    assert "|   600 |" in report.table([row])
