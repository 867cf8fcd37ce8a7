"""Progress reporting shared by the creators' demo loaders."""


class Steps:
    """Progress on a DemoContext (``add_steps``/``step``), a tqdm bar, or nothing."""

    def __init__(self, progress):
        self.progress = progress

    def add(self, n: int, desc: str) -> None:
        if hasattr(self.progress, "add_steps"):
            self.progress.add_steps(n, desc)
        elif self.progress is not None:
            self.progress.total = (self.progress.total or 0) + n
            self.progress.set_description(desc)

    def step(self, n: int = 1) -> None:
        if hasattr(self.progress, "step"):
            self.progress.step(n)
        elif self.progress is not None:
            self.progress.update(n)
