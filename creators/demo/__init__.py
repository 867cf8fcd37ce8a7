"""The creators' part of ``load_demo`` (discovered as ``<app>.demo.load``): creators and
their clips first, the demo creator's commissions and payouts and the demo shop's
settlements, then an engagement history that makes the feed rank meaningfully."""


def load(ctx) -> None:
    from .creators import load_creators_demo
    from .engagement import load_engagement_demo
    from .money import load_money_demo

    ctx.counts.update(load_creators_demo(rng=ctx.rng("creators"), progress=ctx))
    # Before the engagement history: the demo orders feed the shopper's interests, which
    # the engagement demo then sets to its planned values (so a rerun finds them so).
    load_money_demo(ctx)
    ctx.counts.update(load_engagement_demo(rng=ctx.rng("engagement"), progress=ctx))
