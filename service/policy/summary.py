"""What a release manifest records of each dataset's policy: names, grounds and rules, never a value."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .rights import condition_text, dataset_rights

if TYPE_CHECKING:  # annotations only: the policy imports nothing from mapping at run time
    from ..mapping.model import DatasetMapping


def policy_summary(mapping: DatasetMapping) -> dict[str, Any]:
    policy = mapping.policy
    rights = dataset_rights(mapping)
    return {
        "access": rights.access,
        "dataset": None
        if policy.dataset is None
        else {"ground": policy.dataset.ground, "since": policy.dataset.since, "access": policy.dataset.access},
        "columns": [{"column": w.column, "ground": w.ground, "since": w.since} for w in policy.columns],
        "rows": [{"condition": condition_text(r, "en"), "ground": r.ground, "since": r.since} for r in policy.rows],
        "aggregates": [
            {
                "source": a.source,
                "by": list(a.by),
                "threshold": a.threshold,
                "rounding": a.rounding,
                "ground": a.ground,
                "since": a.since,
            }
            for a in policy.aggregates
        ],
        "allow": [{"kind": a.kind, "column": a.column} for a in policy.allow],
    }
