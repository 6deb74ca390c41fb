"""Summary tables: one object that prints as text and renders as LaTeX or HTML."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import pandas as pd

__all__ = ["SummaryTable"]


class SummaryTable:
    """A titled table with notes.

    ``str(table)`` is a plain-text rendering; :meth:`as_latex` a LaTeX
    ``tabular`` and :meth:`to_latex` a captioned ``table`` for a paper;
    :meth:`as_html` an HTML table (also what notebooks show); :meth:`as_frame`
    the numbers as a DataFrame.

    Parameters
    ----------
    frame : pandas.DataFrame
        The numbers; the index labels the rows.
    title : str
        One-line title.
    notes : sequence of str
        Lines printed under the table.
    float_format : str
        Format spec for floats, e.g. ``".2f"``.
    """

    def __init__(self, frame: pd.DataFrame, title: str, notes: Sequence[str] = (), float_format: str = ".3f") -> None:
        self._frame = frame.copy()
        self.title = title
        self.notes = tuple(notes)
        self.float_format = float_format

    def as_frame(self) -> pd.DataFrame:
        """The table's numbers (a copy).

        Returns
        -------
        pandas.DataFrame
            One row per line of the table, one column per column.
        """
        return self._frame.copy()

    def _cells(self) -> tuple[list[str], list[list[str]]]:
        frame = self._frame
        index_names = [str(n) if n is not None else "" for n in frame.index.names]
        header = index_names + [str(c) for c in frame.columns]
        body = []
        for key, row in zip(frame.index, frame.itertuples(index=False)):
            keys = list(key) if isinstance(key, tuple) else [key]
            body.append([str(k) for k in keys] + [self._fmt(v) for v in row])
        return header, body

    def _fmt(self, value: object) -> str:
        if isinstance(value, float):
            return "" if pd.isna(value) else _number(value, self.float_format)
        return str(value)

    def as_text(self) -> str:
        """Plain-text rendering with aligned columns.

        Returns
        -------
        str
            The title, the table and its notes.
        """
        header, body = self._cells()
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
        n_keys = self._frame.index.nlevels

        def line(cells: list[str]) -> str:
            return "  ".join(c.ljust(w) if i < n_keys else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

        rule = "-" * len(line(header))
        out = [self.title, rule, line(header), rule, *(line(r) for r in body), rule, *self.notes]
        return "\n".join(out)

    def as_latex(self) -> str:
        r"""A LaTeX ``tabular`` with booktabs rules (``\usepackage{booktabs}``).

        The title is a comment; text columns are left-aligned and numbers
        right-aligned; the notes are rows under the bottom rule, so they appear in
        the PDF. :meth:`to_latex` wraps it in a ``table`` with a caption and a label.

        Returns
        -------
        str
            The ``tabular`` environment.
        """
        header, body = self._cells()
        n_keys = self._frame.index.nlevels
        numeric = [pd.api.types.is_numeric_dtype(dtype) for dtype in self._frame.dtypes]
        spec = "l" * n_keys + "".join("r" if is_number else "l" for is_number in numeric)
        rows = [" & ".join(_latex(c) for c in r) + r" \\" for r in body]
        notes = [rf"\multicolumn{{{len(header)}}}{{l}}{{\footnotesize {_latex(n)}}} \\" for n in self.notes]
        return "\n".join([
            f"% {_latex(self.title)} (needs \\usepackage{{booktabs}})",
            rf"\begin{{tabular}}{{{spec}}}",
            r"\toprule",
            " & ".join(_latex(c) for c in header) + r" \\",
            r"\midrule",
            *rows,
            r"\bottomrule",
            *notes,
            r"\end{tabular}",
        ])

    def to_latex(self, caption: str | None = None, label: str | None = None) -> str:
        """A floating LaTeX ``table`` for a paper: ``\\caption`` (default: the title), ``\\label`` when
        given, and the :meth:`as_latex` tabular with its notes under it (booktabs rules).

        Parameters
        ----------
        caption : str, optional
            The caption; default the table's title.
        label : str, optional
            A ``\\label`` for ``\\ref``, e.g. ``"tab:tfp"``.

        Returns
        -------
        str
            ``\\begin{table} ... \\end{table}``; needs ``\\usepackage{booktabs}``.

        Examples
        --------
        >>> import pandas as pd
        >>> from nqpf_tfp.tables import SummaryTable
        >>> table = SummaryTable(pd.DataFrame({"tfp": [1.0, 1.1]}, index=[2000, 2001]), "TFP", ["Source: PWT."])
        >>> print(table.to_latex(label="tab:tfp").splitlines()[3])
        \\label{tab:tfp}
        """
        lines = [r"\begin{table}[htbp]", r"\centering", rf"\caption{{{_latex(caption or self.title)}}}"]
        if label:
            lines.append(rf"\label{{{label}}}")
        tabular = [line for line in self.as_latex().splitlines() if not line.startswith("%")]
        return "\n".join([*lines, *tabular, r"\end{table}"])

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        return self.as_text()

    def as_html(self) -> str:
        """An HTML ``<table>`` with the title as its caption and the notes under it.

        Returns
        -------
        str
            The HTML fragment (notebooks show it).
        """
        title = html.escape(self.title)
        table = self._frame.to_html(float_format=lambda v: _number(v, self.float_format))
        table = table.replace(">\n", f">\n  <caption>{title}</caption>\n", 1)  # right after the opening <table ...>
        notes = "".join(f"<p><small>{html.escape(n)}</small></p>" for n in self.notes)
        return f'<div class="nqpf-tfp-summary">{table}{notes}</div>'

    def _repr_html_(self) -> str:
        return self.as_html()


def _number(value: float, spec: str) -> str:
    """``value`` formatted, never as ``-0.000``: a score or change that rounds to zero has no sign."""
    text = format(value, spec)
    return text[1:] if text.startswith("-") and float(text) == 0 else text


_LATEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "_": r"\_", "#": r"\#", "$": r"\$", "{": r"\{",
          "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _latex(text: str) -> str:
    """``text`` with LaTeX's special characters escaped (one pass: an escape is never escaped again)."""
    return re.sub(r"[\\&%_#$\{\}~^]", lambda match: _LATEX[match.group()], text)
