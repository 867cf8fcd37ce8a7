"""The creators' part of ``load_demo`` (discovered as ``<app>.demo.load``): creators and
their clips first, then an engagement history that makes the feed rank meaningfully."""


def load(ctx) -> None:
    from .creators import load_creators_demo
    from .engagement import load_engagement_demo

    ctx.counts.update(load_creators_demo(rng=ctx.rng("creators"), progress=ctx))
    ctx.counts.update(load_engagement_demo(rng=ctx.rng("engagement"), progress=ctx))
