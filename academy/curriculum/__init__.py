"""The curriculum engine: Markdown files in, frozen data classes out. Pure: no Flask, no database."""

from academy.curriculum.loader import check_curriculum, load_curriculum
from academy.curriculum.model import CurriculumError, Problem
from academy.curriculum.render import RenderContext, render_markdown

__all__ = [
    "CurriculumError",
    "Problem",
    "RenderContext",
    "check_curriculum",
    "load_curriculum",
    "render_markdown",
]
