"""Turns results into the printed table, the target verdicts, a JSON file and a PNG chart."""

from __future__ import annotations

import json
import math
from pathlib import Path

from bench.results import BenchResults
from bench.stats import Summary, TargetCheck, ratio, ratio_interval

OVERHEAD_LIMIT = 1.10
PROMPT_LIMIT_MS = 30.0
LIST_LIMIT_MS = 50.0
CONTROLLER_RSS_LIMIT_MB = 80.0
PICKUP_LIMIT = 1.25  # pickup delivery against direct, ratio of medians
IDLE_CPU_LIMIT_PERCENT = 1.0  # of one core, the live connection with nothing to deliver
IDLE_TARGETS = ("pickup wallet ACA-Py", "pickup wallet (controller + ACA-Py)")
LIST_OPS = ("credentials page", "text search")


def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}"


def _x(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.2f}x"


def _span(interval: tuple[float, float] | None) -> str:
    if interval is None or math.isnan(interval[0]):
        return "-"
    return f"{interval[0]:.2f}-{interval[1]:.2f}x"


def overhead_rows(results: BenchResults) -> list[list[str]]:
    """flow | n | bare p50 | p95 | wallet p50 | p95 | ratio p50 | its 95% interval | ratio p95."""
    series = [*results.overhead, results.start_ms]
    return [_compared(s.flow, s.bare_ms, s.wallet_ms) for s in series]


def delivery_rows(results: BenchResults) -> list[list[str]]:
    """Like `overhead_rows`, pickup against direct (both the real wallet)."""
    return [_compared(s.flow, s.direct_ms, s.pickup_ms) for s in results.delivery.flows]


def _compared(flow: str, base_ms: list[float], other_ms: list[float]) -> list[str]:
    """One row: samples, both sides' p50 and p95, ratios of p50 (with interval) and p95."""
    base, other = Summary.of(base_ms), Summary.of(other_ms)
    return [
        flow,
        str(min(base.count, other.count)),
        _ms(base.p50),
        _ms(base.p95),
        _ms(other.p50),
        _ms(other.p95),
        _x(ratio(other.p50, base.p50)),
        _span(ratio_interval(other_ms, base_ms)),
        _x(ratio(other.p95, base.p95)),
    ]


def delivery_targets(results: BenchResults) -> list[TargetCheck]:
    """Pickup <= 1.25x direct on the targeted flows; the idle live connection < 1 % of a core."""
    delivery = results.delivery
    if not delivery.flows:
        return []
    checks = [
        TargetCheck(
            f"pickup/direct {series.flow}",
            ratio(Summary.of(series.pickup_ms).p50, Summary.of(series.direct_ms).p50),
            PICKUP_LIMIT,
            "x",
            ratio_interval(series.pickup_ms, series.direct_ms),
        )
        for series in delivery.flows
        if series.targeted
    ]
    for name in IDLE_TARGETS:
        share = delivery.idle_cpu_percent.get(name, math.nan)
        label = f"idle CPU over {delivery.idle_window_s:g} s, {name}"
        checks.append(TargetCheck(label, share, IDLE_CPU_LIMIT_PERCENT, "% of a core"))
    return checks


def scale_rows(results: BenchResults) -> list[list[str]]:
    rows = []
    for name, samples in results.scale.ops.items():
        summary = Summary.of(samples)
        rows.append([name, str(summary.count), _ms(summary.p50), _ms(summary.p95)])
    return rows


def targets(results: BenchResults) -> list[TargetCheck]:
    """The issue's targets, each against the measure it names (median ratio per flow)."""
    checks = [
        TargetCheck(
            f"overhead {series.flow}",
            ratio(Summary.of(series.wallet_ms).p50, Summary.of(series.bare_ms).p50),
            OVERHEAD_LIMIT,
            "x",
            ratio_interval(series.wallet_ms, series.bare_ms),
        )
        for series in results.overhead
    ]
    prompt = Summary.of(results.prompt_after_webhook_ms).p95
    checks.append(TargetCheck("prompt after webhook p95", prompt, PROMPT_LIMIT_MS, "ms"))
    for name in LIST_OPS:
        p95 = Summary.of(results.scale.ops.get(name, [])).p95
        label = f"{name} p95 at {results.scale.size} credentials"
        checks.append(TargetCheck(label, p95, LIST_LIMIT_MS, "ms"))
    rss = max(
        (v for k, v in results.memory_mb.items() if k.startswith("controller")), default=math.nan
    )
    checks.append(TargetCheck("controller RSS (max seen)", rss, CONTROLLER_RSS_LIMIT_MB, "MB"))
    return checks + delivery_targets(results)


def table(header: list[str], rows: list[list[str]]) -> str:
    """A plain Markdown table (prints well and pastes into docs/performance.md)."""
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=False)]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=False)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def render(results: BenchResults) -> str:
    meta = results.meta
    parts = [
        f"bench run {meta.started} quick={meta.quick} iterations={meta.iterations} "
        f"cpus={meta.cpus} load before={meta.load_before} after={meta.load_after}",
        "",
        table(
            [
                "flow (ms)",
                "n",
                "bare p50",
                "bare p95",
                "wallet p50",
                "wallet p95",
                "ratio p50",
                "p50 ratio 95% interval",
                "ratio p95",
            ],
            overhead_rows(results),
        ),
        "",
        f"prompt available after ACA-Py's webhook (wallet): "
        f"p50 {_ms(Summary.of(results.prompt_after_webhook_ms).p50)} ms, "
        f"p95 {_ms(Summary.of(results.prompt_after_webhook_ms).p95)} ms",
        "",
        table(["memory", "MB"], [[k, f"{v:.1f}"] for k, v in results.memory_mb.items()]),
    ]
    parts += delivery_parts(results)
    if results.scale.ops:
        parts += [
            "",
            f"scale: {results.scale.size} credentials "
            f"({'cached' if results.scale.seeded_from_cache else 'seeded now'})",
            table(["operation (ms)", "n", "p50", "p95"], scale_rows(results)),
        ]
        offered = results.extra.get("scale_prompt_candidates_per_item") or {}
        parts += [f"prompt offers per item ({kind}): {n}" for kind, n in offered.items()]
    breakdown = results.extra.get("breakdown_ms") or {}
    if breakdown:
        rows = [[k, str(len(v)), _ms(Summary.of(v).p50), _ms(Summary.of(v).p95)]
                for k, v in breakdown.items()]  # fmt: skip
        parts += ["", table(["where the time went (ms)", "n", "p50", "p95"], rows)]
    calls = results.extra.get("admin_calls") or {}
    if calls:
        sides = [side for side in ("bare", "wallet", "pickup") if side in calls]
        served = [calls[side] for side in sides]
        routes = sorted(set().union(*served), key=lambda r: -sum(c.get(r, 0) for c in served))
        rows = [[r, *(str(c.get(r, 0)) for c in served)] for r in routes[:15]]
        parts += ["", table(["admin API calls served (whole run)", *sides], rows)]
    per_flow = results.extra.get("admin_calls_per_flow") or {}
    if per_flow:
        sides = [s for s in ("bare", "wallet", "pickup") if any(s in f for f in per_flow.values())]
        rows = [
            [flow, *(_calls(counts.get(side, {})) for side in sides)]
            for flow, counts in per_flow.items()
        ]
        parts += ["", table(["admin calls per flow run", *sides], rows)]
    checks = targets(results)
    parts += [
        "",
        table(
            ["target", "measured", "95% interval", "limit", "verdict"],
            [
                [
                    c.name,
                    f"{c.measured:.2f} {c.unit}",
                    _span(c.interval),
                    f"{c.limit:g} {c.unit}",
                    c.verdict,
                ]
                for c in checks
            ],
        ),
    ]
    parts += [f"note: {note}" for note in meta.notes]
    return "\n".join(parts)


def delivery_parts(results: BenchResults) -> list[str]:
    """The pickup comparison's table and the idle CPU of each process, or why it is absent."""
    delivery = results.delivery
    if delivery.skipped:
        return ["", f"pickup delivery not measured: {delivery.skipped}"]
    if not delivery.flows:
        return []
    header = ["pickup vs direct (ms)", "n", "direct p50", "direct p95", "pickup p50"]
    header += ["pickup p95", "ratio p50", "p50 ratio 95% interval", "ratio p95"]
    idle = [[name, f"{share:.2f}"] for name, share in delivery.idle_cpu_percent.items()]
    return [
        "",
        f"delivery through {delivery.mediator} (wallet in pickup) against direct (wallet)",
        table(header, delivery_rows(results)),
        "",
        table([f"idle CPU over {delivery.idle_window_s:g} s", "% of one core"], idle),
    ]


def _calls(routes: dict[str, float]) -> str:
    """`total (route n, ...)` for one holder's calls in one flow run."""
    total = sum(routes.values())
    shown = ", ".join(f"{route} {count:g}" for route, count in routes.items())
    return f"{total:g} ({shown})" if shown else "0"


def write_json(results: BenchResults, path: Path) -> None:
    document = json.loads(results.model_dump_json())
    document["targets"] = [
        {
            "name": c.name,
            "measured": c.measured,
            "interval": list(c.interval) if c.interval else None,
            "limit": c.limit,
            "unit": c.unit,
            "met": c.met,
        }
        for c in targets(results)
    ]
    path.write_text(json.dumps(document, indent=2, allow_nan=True))


def write_chart(results: BenchResults, path: Path) -> None:
    """Bars of p50 (with p95 whiskers) per flow, bare beside wallet; scale ops below."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    flows = [s for s in results.overhead if s.bare_ms and s.wallet_ms]
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(11, 9))
    positions = range(len(flows))
    for offset, side, colour in ((-0.2, "bare", "#7a8b99"), (0.2, "wallet", "#2b6cb0")):
        summaries = [Summary.of(getattr(s, f"{side}_ms")) for s in flows]
        medians = [s.p50 for s in summaries]
        whiskers = [[0] * len(summaries), [s.p95 - s.p50 for s in summaries]]
        top.bar(
            [p + offset for p in positions],
            medians,
            0.4,
            yerr=whiskers,
            label=side,
            color=colour,
            capsize=3,
        )
    top.set_xticks(list(positions), [s.flow for s in flows], rotation=20, ha="right")
    top.set_ylabel("ms (bar p50, whisker p95)")
    top.set_title("Wallet vs bare ACA-Py, same peers, interleaved")
    top.legend()
    ops = list(results.scale.ops.items())
    if ops:
        names = [name for name, _ in ops]
        bottom.barh(names, [Summary.of(v).p95 for _, v in ops], color="#c05621", label="p95")
        bottom.barh(names, [Summary.of(v).p50 for _, v in ops], color="#dd6b20", label="p50")
        bottom.axvline(LIST_LIMIT_MS, color="black", linestyle="--", linewidth=1)
        bottom.set_xscale("log")
        bottom.set_xlabel(f"ms with {results.scale.size} credentials, log scale (dashed: 50 ms)")
        bottom.legend()
    else:
        bottom.set_axis_off()
        bottom.text(0.5, 0.5, "no scale run", ha="center", va="center")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
