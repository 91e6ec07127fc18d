"""Matching library of mentorbot: pure functions and objects, no I/O but reading the taxonomy.

Modules:
- `model`: Profile, Constraints, Weights, Reason, Suggestion (the data the bot passes in);
- `topics`: the FR/EN topic taxonomy and free-text normalisation (`Taxonomy`);
- `availability`: weekly local slots -> UTC hour masks (DST-correct);
- `text`: text folding and hashed TF-IDF goals similarity (`TextModel`);
- `scoring`: `score_pair`, the reference score of one pair with its reasons;
- `suggestions`: `MentorIndex`, vectorised top-k suggestions for one mentee;
- `cohort_scores` and `cohort`: `assign` (min-cost flow), `dense_assign`, `greedy_assign`.

Submodules are imported explicitly (`from matching.cohort import assign`) so that using the
taxonomy alone does not load OR-tools.
"""
