#!/usr/bin/env python3
"""Writes the end-to-end benchmark report: each figure beside its ceiling and goal, and a chart.

Reads the stage benchmarks' results (bench/results/{ingest,processor,results-api}.md, through the
capacity model's parser so both read the same figures), the ClickHouse insert ceiling, and the
simulator's summary (JSON) of the full pipeline run. Writes a markdown table and an SVG chart;
run.sh turns the SVG into a PNG with headless Chromium.

Exit 0 on success; 2 with one line on stderr when a figure is missing.
"""
import argparse
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "capacity"))
import model  # noqa: E402  (the capacity model's parser of bench/results)


def ratio(value, ceiling):
    return value / ceiling if value is not None and ceiling else None


def pct(r):
    return "—" if r is None else f"{r * 100:.0f}%"


def fmt(x, unit=""):
    if x is None:
        return "n/a"
    return f"{x:,.0f}{unit}"


def rows(f, sim, clickhouse_rows_per_s):
    """(figure, value, ceiling, ratio, goal, met) for the table and the chart."""
    visible_p99 = sim.get("visibleP99Ms")
    anchored_p99 = sim.get("anchoredP99Ms")
    return [
        ("Ingest, accepted votes/s (stage bench)", f["ingest"], "bare Kestrel POST", f["bare_post"], 0.50),
        ("Processor drain, votes/s (stage bench)", f["processor"], "raw sharded MySQL insert", f["raw_insert"], 0.70),
        ("Results reads/s (stage bench)", f["results"], "bare Kestrel GET", f["bare_get"], 0.80),
        ("Kafka producer, messages/s", f["kafka_produce"], None, None, None),
        ("ClickHouse insert, rows/s", clickhouse_rows_per_s, None, None, None),
        # Set by the simulator's offered rate (E2E_RATE), not by capacity: no ceiling to compare with.
        ("Full pipeline: accepted votes/s under the simulator (its offered rate)", sim["acceptedPerSecond"], None, None, None),
        ("Full pipeline: result reads/s while voting", sim["readsPerSecond"], None, None, None),
        ("Vote → visible in results, p99 (ms)", visible_p99, "goal 2,000 ms", 2000.0, "latency"),
        ("Vote → anchored on chain, p99 (ms)", anchored_p99, None, None, None),
    ]


def render_markdown(f, sim, clickhouse_rows_per_s, generated):
    lines = [
        f"# End-to-end benchmark — {generated}",
        "",
        "One run of `bash bench/e2e/run.sh` on this machine (2 cores shared by every server, the",
        "services and the load generators, so every figure is a floor). Each figure is set beside the",
        "ceiling measured in the same run; the chart is [e2e.png](e2e.png).",
        "",
        "| figure | measured | ceiling | ratio | goal | met |",
        "|---|---:|---|---:|---:|---|",
    ]
    for name, value, ceiling_name, ceiling, goal in rows(f, sim, clickhouse_rows_per_s):
        if goal == "latency":
            met = "yes" if value is not None and value <= ceiling else "no"
            lines.append(f"| {name} | {fmt(value)} | {ceiling_name} | — | ≤ {fmt(ceiling)} ms | {met} |")
        elif goal is not None:
            r = ratio(value, ceiling)
            met = "yes" if r is not None and r >= goal else "no"
            lines.append(f"| {name} | {fmt(value)} | {ceiling_name}: {fmt(ceiling)} | {pct(r)} | ≥ {pct(goal)} | {met} |")
        elif ceiling is not None:
            lines.append(f"| {name} | {fmt(value)} | {ceiling_name}: {fmt(ceiling)} | {pct(ratio(value, ceiling))} | — | — |")
        else:
            lines.append(f"| {name} | {fmt(value)} | — | — | — | — |")
    lines += [
        "",
        f"Simulator: {sim['accepted']:,} votes accepted in {sim['castingSeconds']:.1f} s, {sim['refused']:,} refused as they should be "
        f"(second attempts, invalid ballots, throttled), {sim['failed']:,} failures; {sim['visible']:,} of the run's votes visible at the end; "
        f"vote → visible p50 {fmt(sim.get('visibleP50Ms'))} ms; vote → anchored p50 {fmt(sim.get('anchoredP50Ms'))} ms over "
        f"{sim['anchoredSamples']} followed receipts (anchors are taken every checkpoint interval, so this is about half of it plus a block).",
        "",
        "Stage details: [ingest](ingest.md), [processor](processor.md), [results](results-api.md).",
        "",
    ]
    return "\n".join(lines)


def render_svg(f, sim):
    """Bars of each throughput as a share of its ceiling, with the goal marked."""
    bars = [
        ("Ingest / bare POST", ratio(f["ingest"], f["bare_post"]), 0.50),
        ("Processor / raw insert", ratio(f["processor"], f["raw_insert"]), 0.70),
        ("Results / bare GET", ratio(f["results"], f["bare_get"]), 0.80),
    ]
    vp99 = sim.get("visibleP99Ms")
    if vp99 is not None:
        bars.append(("Vote → visible p99 / 2 s goal", vp99 / 2000.0, 1.0))
    elif sim.get("visibleOf", 0) > sim.get("visibleSamples", 0):
        # More than 1% of the votes never showed before the run ended: the p99 lies beyond it, a miss.
        bars.append(("Vote → visible p99 / 2 s goal (beyond run end)", 1.5, 1.0))
    width, left, bar_h, gap, top = 900, 260, 34, 18, 60
    height = top + len(bars) * (bar_h + gap) + 40
    scale = (width - left - 40)  # 100% = full width
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="14">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           '<text x="20" y="30" font-size="18" font-weight="bold">Voting end-to-end benchmark: each figure as a share of its ceiling</text>']
    for i, (label, r, goal) in enumerate(bars):
        y = top + i * (bar_h + gap)
        value = 0 if r is None else min(r, 1.5)
        if goal is None:
            color = "#1e88e5"
        else:
            color = "#43a047" if r is not None and ((r >= goal) if goal < 1 else (r <= goal)) else "#e53935"
        out.append(f'<text x="20" y="{y + bar_h * 0.65}">{label}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{scale}" height="{bar_h}" fill="#f0f0f0"/>')
        out.append(f'<rect x="{left}" y="{y}" width="{scale * value / 1.5:.1f}" height="{bar_h}" fill="{color}"/>')
        if goal is not None:
            gx = left + scale * goal / 1.5
            out.append(f'<line x1="{gx:.1f}" y1="{y - 4}" x2="{gx:.1f}" y2="{y + bar_h + 4}" stroke="black" stroke-width="2" stroke-dasharray="4,3"/>')
        out.append(f'<text x="{left + 8}" y="{y + bar_h * 0.65}" fill="black">{pct(r)}</text>')
    out.append(f'<text x="{left}" y="{height - 12}" font-size="12">dashed line: goal · bar scale 0–150% · green: goal met, red: not met, blue: no goal</text>')
    out.append("</svg>")
    return "\n".join(out)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bench-dir", required=True)
    p.add_argument("--summary", required=True, help="the simulator's --summary JSON")
    p.add_argument("--clickhouse-rows-per-s", type=float, required=True)
    p.add_argument("--out", required=True, help="markdown file to write")
    p.add_argument("--svg", required=True, help="SVG chart to write")
    a = p.parse_args(argv)
    try:
        f = model.measured(a.bench_dir)
        with open(a.summary, encoding="utf-8") as s:
            sim = json.load(s)
        for key in ("accepted", "acceptedPerSecond", "readsPerSecond", "castingSeconds", "refused", "failed", "visible", "anchoredSamples"):
            if key not in sim:
                raise model.MissingFigure(f"{a.summary}: no {key}")
    except (model.MissingFigure, OSError, json.JSONDecodeError) as e:
        print(f"report: {e}", file=sys.stderr)
        return 2
    generated = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    with open(a.out, "w", encoding="utf-8") as o:
        o.write(render_markdown(f, sim, a.clickhouse_rows_per_s, generated))
    with open(a.svg, "w", encoding="utf-8") as o:
        o.write(render_svg(f, sim))
    print(f"report: wrote {a.out} and {a.svg}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
