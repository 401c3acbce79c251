"""The bench's statistics, ratios, target verdicts and report (no processes, no timing)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.report import overhead_rows, render, table, targets, write_json
from bench.results import BenchResults
from bench.stats import Summary, TargetCheck, percentile, ratio, ratio_interval


def test_percentile_interpolates_between_closest_ranks() -> None:
    samples = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert percentile(samples, 0.5) == 30.0
    assert percentile(samples, 0.95) == pytest.approx(48.0)
    assert percentile(samples, 0.0) == 10.0
    assert percentile(samples, 1.0) == 50.0
    assert percentile([7.0], 0.95) == 7.0


def test_percentile_of_nothing_is_nan_and_bad_fraction_is_refused() -> None:
    assert math.isnan(percentile([], 0.5))
    with pytest.raises(ValueError, match="fraction"):
        percentile([1.0], 1.5)


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=50))
def test_percentiles_stay_within_the_samples_and_in_order(samples: list[float]) -> None:
    summary = Summary.of(samples)
    assert summary.minimum <= summary.p50 <= summary.p95 <= summary.maximum
    assert summary.count == len(samples)


def test_ratio_is_wallet_over_bare_and_nan_when_undefined() -> None:
    assert ratio(110.0, 100.0) == pytest.approx(1.1)
    assert math.isnan(ratio(1.0, 0.0))
    assert math.isnan(ratio(math.nan, 1.0))


def test_ratio_interval_brackets_the_ratio_and_is_repeatable() -> None:
    wallet = [10.0 + i % 7 for i in range(60)]
    bare = [9.0 + i % 5 for i in range(60)]
    low, high = ratio_interval(wallet, bare)
    point = ratio(percentile(wallet, 0.5), percentile(bare, 0.5))
    assert low <= point <= high and low < high
    assert ratio_interval(wallet, bare) == (low, high)
    assert all(math.isnan(v) for v in ratio_interval([], bare))


def test_ratio_interval_excludes_one_only_when_the_sides_clearly_differ() -> None:
    same = [10.0 + (i * 37) % 11 for i in range(60)]
    low, high = ratio_interval(same, list(reversed(same)))
    assert low < 1.0 < high
    slower = [v * 1.5 for v in same]
    assert ratio_interval(slower, same)[0] > 1.3


def test_target_verdicts_include_not_measured() -> None:
    assert TargetCheck("x", 1.10, 1.10, "x").verdict == "met"
    assert TargetCheck("x", 1.11, 1.10, "x").verdict == "MISSED"
    assert TargetCheck("x", math.nan, 1.10, "x").verdict == "not measured"


def sample_results() -> BenchResults:
    results = BenchResults()
    flow = results.flow("invitation -> connection active")
    flow.bare_ms += [100.0, 110.0, 120.0]
    flow.wallet_ms += [120.0, 130.0, 140.0]
    assert results.flow("invitation -> connection active") is flow
    results.prompt_after_webhook_ms += [5.0, 6.0, 40.0]
    results.memory_mb["controller (few credentials)"] = 70.0
    results.memory_mb["controller (10000 credentials)"] = 95.0
    results.scale.size = 10_000
    results.scale.ops["credentials page"] = [10.0, 12.0]
    return results


def test_targets_take_median_ratio_p95_prompt_and_the_largest_controller_rss() -> None:
    checks = {c.name: c for c in targets(sample_results())}
    overhead = checks["overhead invitation -> connection active"]
    assert overhead.measured == pytest.approx(130.0 / 110.0) and overhead.met is False
    assert checks["prompt after webhook p95"].met is False
    assert checks["credentials page p95 at 10000 credentials"].met is True
    assert checks["text search p95 at 10000 credentials"].met is None
    assert checks["controller RSS (max seen)"].measured == 95.0


def test_rows_table_and_json_carry_the_numbers(tmp_path: Path) -> None:
    results = sample_results()
    row = overhead_rows(results)[0]
    assert row[:6] == ["invitation -> connection active", "3", "110.0", "119.0", "130.0", "139.0"]
    assert row[6] == "1.18x"
    low, high = ratio_interval(results.overhead[0].wallet_ms, results.overhead[0].bare_ms)
    assert row[7] == f"{low:.2f}-{high:.2f}x" and row[8] == "1.17x"
    text = table(["a", "bb"], [["1", "2"]])
    assert text.splitlines() == ["| a | bb |", "|---|----|", "| 1 | 2  |"]
    assert "MISSED" in render(results)
    path = tmp_path / "r.json"
    write_json(results, path)
    document = json.loads(path.read_text())
    assert document["overhead"][0]["wallet_ms"] == [120.0, 130.0, 140.0]
    assert {t["name"] for t in document["targets"]} >= {"prompt after webhook p95"}
    overhead = next(t for t in document["targets"] if t["name"].startswith("overhead"))
    assert overhead["interval"] == [low, high]


def test_admin_calls_are_counted_by_route_without_didcomm_messages() -> None:
    from bench.admin_calls import count_calls

    line = (
        "2026-11-22 07:23:00,003 aiohttp.access INFO 127.0.0.1 [22/Nov/2026:07:22:59 +0000] "
        '"{} HTTP/1.1" 200 28974 "-" "Python/3.13 aiohttp/3.14.5"'
    )
    log = "\n".join(
        line.format(request)
        for request in (
            "GET /issue-credential-2.0/records/42d1188b-bd42-4639-8952-33f83e6a37ce",
            "GET /issue-credential-2.0/records/3aae17ba-5e27-4be0-a8fe-9d32c6bbac25",
            "GET /connections?state=active",
            "POST /",
        )
    )
    assert count_calls(log) == {
        "GET /issue-credential-2.0/records/{id}": 2,
        "GET /connections": 1,
    }


def test_pickup_is_judged_against_direct_on_its_targeted_flows_and_idle_cpu() -> None:
    results = BenchResults()
    shown = results.delivery.flow("request sent -> prompt shown (ed25519)")
    shown.direct_ms, shown.pickup_ms = [100.0, 100.0, 100.0], [120.0, 120.0, 120.0]
    verified = results.delivery.flow("approval -> verified (ed25519)")
    verified.targeted = False
    verified.direct_ms, verified.pickup_ms = [100.0], [200.0]
    results.delivery.idle_window_s = 60.0
    results.delivery.idle_cpu_percent = {
        "pickup wallet ACA-Py": 0.05,
        "pickup wallet (controller + ACA-Py)": 1.5,
    }
    checks = {c.name: c for c in targets(results) if "pickup" in c.name or "idle" in c.name}
    ratio_check = checks["pickup/direct request sent -> prompt shown (ed25519)"]
    assert ratio_check.measured == pytest.approx(1.2) and ratio_check.met
    assert not any("approval" in name for name in checks)
    assert checks["idle CPU over 60 s, pickup wallet ACA-Py"].met
    assert checks["idle CPU over 60 s, pickup wallet (controller + ACA-Py)"].met is False
    assert "pickup vs direct" in render(results)


def test_a_run_without_pickup_says_why_and_judges_nothing_of_it() -> None:
    results = BenchResults()
    results.delivery.skipped = "--skip-pickup"
    assert not any("pickup" in c.name for c in targets(results))
    assert "pickup delivery not measured: --skip-pickup" in render(results)
