"""The HTML of a handed-out document: nbconvert's HTML exporter with the report's template,
minus two costs that a batch of a thousand documents pays for nothing.

Why: ``HTMLExporter`` validates the whole notebook after each of its thirteen preprocessors,
and then parses the page it has just written (about 290 kB, most of it JupyterLab's CSS) with
BeautifulSoup, only to give each output ``tabindex="0"`` (so a keyboard reaches it) and each
``<img>`` without alt text a stock one; then it writes the page out again. Together that was
four fifths of the export's CPU time (about 40 of 50 ms per company plan). Here the notebook
is validated once, after the last preprocessor (nbconvert's own ``optimistic_validation``),
and ``tabindex`` is added to the template's output divs as they are written. The page has the
same elements, attributes and text as nbconvert's: parsed, it is the same document
(``tests/report/runner/test_handout_html.py`` checks this against ``HTMLExporter`` itself);
only the spelling differs (``'`` and ``"``, ``<br>`` and ``<br/>``). A page with an image
without alt text goes the whole ``HTMLExporter`` way, so it gets the same stock alt text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import TagRemovePreprocessor

TEMPLATES = Path(__file__).resolve().parent / "templates" / "nbconvert"
REMOVED_TAGS = {"parameters", "injected-parameters", "remove-cell"}

# The divs HTMLExporter makes focusable (its selectors ".jp-Notebook div.jp-Cell-inputWrapper"
# and ".jp-Notebook div.jp-OutputArea-output"): a whole class token, as CSS matches it.
_FOCUSABLE = re.compile(
    r'<div\b([^>]*?\bclass="[^"]*(?<![\w-])(?:jp-OutputArea-output|jp-Cell-inputWrapper)'
    r'(?![\w-])[^"]*"[^>]*)>'
)
_IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\balt=)[^>]*>", re.IGNORECASE)


class HandoutHtmlExporter(HTMLExporter):
    """``HTMLExporter`` that validates once and adds ``tabindex`` without re-parsing."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.optimistic_validation = True

    def from_notebook_node(  # type: ignore[override]
        self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name", None))
        resources = self._init_resources(resources)
        # the two filters HTMLExporter.from_notebook_node registers before rendering
        self.register_filter(
            "highlight_code",
            self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)),
        )
        self.register_filter(
            "filter_data_type",
            WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            ),
        )
        page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        if _IMG_WITHOUT_ALT.search(page):
            return super().from_notebook_node(nb, resources, **kw)
        return _FOCUSABLE.sub(r'<div\1 tabindex="0">', page), resources


def handout_exporter(exporter_class: type[HTMLExporter] = HandoutHtmlExporter) -> HTMLExporter:
    """The exporter a worker keeps for its whole batch (its template is compiled once): the
    report's ``workbench`` template, no code, no prompts, no parameter or hidden cells."""
    exporter = exporter_class(
        template_name="workbench",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=REMOVED_TAGS, enabled=True), enabled=True
    )
    return exporter
