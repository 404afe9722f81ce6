"""Benchmark: the page in headless Chromium while the default network trains.

Prints two figures of the main page (frontend/), measured from outside the page's code: an
init script of this benchmark (the page carries no benchmark hooks) wraps
requestAnimationFrame before the page loads, so it sees every animation frame in which the
page's frame loop redrew (the loop asks for a frame only when a renderer has new data), and
reads the epoch counter the page drew in that frame:
- frames drawn per second while training the default network, over a measurement window;
- the time from the click on play to the end of the first frame that shows a newer epoch,
  median over several play/pause rounds.
Targets (issue 4): at least 30 frames per second, under 300 ms. Figures only, no assertions.

    python bench/page.py                   # starts its own server (memory store, 1 worker)
    python bench/page.py --url http://127.0.0.1:8000 --seconds 10 --rounds 7
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]

# Runs before the page's own scripts. Its one global, __nnpBench, belongs to the benchmark.
OBSERVER = """(() => {
  const bench = { frames: [], latencies: [], play: null };
  window.__nnpBench = bench;
  const shownEpoch = () => {
    const el = document.getElementById('epoch');
    return el ? Number(el.textContent.replace(/,/g, '')) : 0;
  };
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) => raf((time) => {
    callback(time);
    const now = performance.now();
    bench.frames.push(now);
    if (bench.play && shownEpoch() > bench.play.epoch) {
      bench.latencies.push(now - bench.play.at);
      bench.play = null;
    }
  });
  window.addEventListener('click', (e) => {
    const status = document.getElementById('status');
    if (e.target.closest && e.target.closest('#play') && status.textContent !== 'running') {
      bench.play = { at: performance.now(), epoch: shownEpoch() };
    }
  }, true);
})();"""
FRAMES = "() => window.__nnpBench.frames"
LATENCIES = "() => window.__nnpBench.latencies"


def measure(url: str, seconds: float, rounds: int, width: int, height: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.add_init_script(OBSERVER)
        page.goto(url + "/")
        page.wait_for_function("() => !document.querySelector('#play').disabled")
        page.wait_for_function(
            "() => document.querySelectorAll('.network .node.neuron').length > 0")
        status = "() => document.querySelector('#status').textContent"
        for k in range(rounds):
            page.click("#play")
            page.wait_for_function(f"() => window.__nnpBench.latencies.length > {k}")
            page.wait_for_function(f"() => ({status})() === 'running'")
            page.click("#play")
            page.wait_for_function(f"() => ({status})() === 'paused'")
        latencies: list[float] = page.evaluate(LATENCIES)
        # frames per second while training
        page.click("#play")
        page.wait_for_function(f"() => ({status})() === 'running'")
        page.wait_for_timeout(1000)  # let it settle into the steady state
        t0 = page.evaluate("() => performance.now()")
        page.wait_for_timeout(seconds * 1000)  # the measurement window itself
        t1 = page.evaluate("() => performance.now()")
        frames = [t for t in page.evaluate(FRAMES) if t0 <= t <= t1]
        epoch = int(page.text_content("#epoch").replace(",", ""))
        page.click("#play")
        gaps = [b - a for a, b in itertools.pairwise(frames)]
        browser.close()
    return {
        "fps": len(frames) / ((t1 - t0) / 1000),
        "frame_gap_p95_ms": sorted(gaps)[int(0.95 * (len(gaps) - 1))] if gaps else float("nan"),
        "play_to_first_epoch_ms_median": statistics.median(latencies),
        "play_to_first_epoch_ms_max": max(latencies),
        "rounds": len(latencies),
        "epochs_at_end": epoch,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running server (default: start one)")
    parser.add_argument("--seconds", type=float, default=5.0, help="fps measurement window")
    parser.add_argument("--rounds", type=int, default=5, help="play/pause rounds for the latency")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1000)
    args = parser.parse_args()
    if args.url:
        figures = measure(args.url.rstrip("/"), args.seconds, args.rounds, args.width, args.height)
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tools/: the harness
        from tools.launcher import Server

        with tempfile.TemporaryDirectory() as tmp:
            server = Server(Path(tmp)).start()
            try:
                figures = measure(server.url, args.seconds, args.rounds, args.width, args.height)
            finally:
                server.stop()
    print(f"page, default network, headless Chromium {args.width}x{args.height}:")
    print(f"  frames drawn per second while training: {figures['fps']:.1f} "
          f"(95th percentile gap {figures['frame_gap_p95_ms']:.1f} ms; target >= 30)")
    print(f"  play -> first drawn epoch: median {figures['play_to_first_epoch_ms_median']:.0f} ms, "
          f"max {figures['play_to_first_epoch_ms_max']:.0f} ms over {figures['rounds']} rounds "
          f"(target < 300 ms)")
    print(f"  epochs trained by the end of the window: {figures['epochs_at_end']}")


if __name__ == "__main__":
    main()
