"""Scores beat and section estimates with mir_eval; JSON in on stdin, JSON out on stdout.

Input: {"tracks": [{"name", "refBeats", "beats": {system: [...]}, "refSections": [[s, e, label]],
         "sections": {system: [[s, e, label]]}}]}
"""
import json
import sys
import warnings

import numpy as np
import mir_eval

warnings.filterwarnings("ignore")


def sections_to(arr):
    iv = np.array([[s, e] for s, e, _ in arr], dtype=float)
    return iv, [str(l) for _, _, l in arr]


def main():
    data = json.load(sys.stdin)
    out = []
    for t in data["tracks"]:
        ref = mir_eval.beat.trim_beats(np.array(t["refBeats"], dtype=float))
        row = {"name": t["name"], "beatF": {}, "amlt": {}, "boundaryF": {}, "boundary05F": {}, "pairwiseF": {}}
        for system, est in t.get("beats", {}).items():
            # mir_eval's standard protocol: beats in the first 5 s are ignored on both sides.
            est = mir_eval.beat.trim_beats(np.array(est, dtype=float))
            row["beatF"][system] = float(mir_eval.beat.f_measure(ref, est, f_measure_threshold=0.07)) if len(est) else 0.0
            row["amlt"][system] = float(mir_eval.beat.continuity(ref, est)[3]) if len(est) > 1 else 0.0
        if t.get("refDownbeats"):
            ref_db = mir_eval.beat.trim_beats(np.array(t["refDownbeats"], dtype=float))
            est_db = mir_eval.beat.trim_beats(np.array(t.get("downbeats", []), dtype=float))
            row["downbeatF"] = float(mir_eval.beat.f_measure(ref_db, est_db, f_measure_threshold=0.07)) if len(est_db) else 0.0
        if "refSections" in t:
            riv, rlab = sections_to(t["refSections"])
            for system, est in t.get("sections", {}).items():
                eiv, elab = sections_to(est)
                # Both cover the whole file: align their ends (the audio may ring on after the score).
                end = max(riv[-1, 1], eiv[-1, 1])
                riv = riv.copy()
                riv[-1, 1] = end
                eiv[-1, 1] = end
                eiv[0, 0] = 0.0
                keep = eiv[:, 1] > eiv[:, 0]
                eiv, elab = eiv[keep], [l for l, k in zip(elab, keep) if k]
                p, r, f = mir_eval.segment.detection(riv, eiv, window=3.0, trim=True)
                row["boundaryF"][system] = float(f)
                p5, r5, f5 = mir_eval.segment.detection(riv, eiv, window=0.5, trim=True)
                row["boundary05F"][system] = float(f5)
                pp, pr, pf = mir_eval.segment.pairwise(riv, rlab, eiv, elab)
                row["pairwiseF"][system] = float(pf)
        out.append(row)
    json.dump(out, sys.stdout)


main()
