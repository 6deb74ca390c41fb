"""The nqpf-tfp command, run in-process, and the README's set-up commands."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nqpf_tfp.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]


def test_growth_china(capsys):
    assert main(["growth", "--country", "CHN"]) == 0
    out = capsys.readouterr().out
    assert "Sources of GDP growth: China (CHN), 1956-2019" in out
    assert re.search(r"^2017\s+1\.0000\s+1\.0000$", out, flags=re.M)
    # every printed year matches PWT's published rtfpna to the printed digits
    rows = re.findall(r"^(\d{4})\s+(\d\.\d{4})\s+(\d\.\d{4})$", out, flags=re.M)
    assert len(rows) == 64 and all(ours == pwt for _, ours, pwt in rows)


def test_growth_by_name_with_period_and_breaks(capsys):
    assert main(["growth", "--country", "united states", "--start", "2000", "--end", "2019",
                 "--breaks", "2007"]) == 0
    out = capsys.readouterr().out
    for period in ("2000-2007", "2007-2019", "2000-2019"):
        assert period in out


def test_csv_and_plot_outputs(tmp_path, capsys):
    csv, png = tmp_path / "chn.csv", tmp_path / "chn.png"
    assert main(["growth", "--country", "CHN", "--start", "1978", "--csv", str(csv), "--plot", str(png)]) == 0
    frame = pd.read_csv(csv)
    assert frame["year"].tolist() == list(range(1978, 2020))
    assert {"contrib_capital", "contrib_labor", "tfp_growth", "tfp_index"} <= set(frame.columns)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unknown_country_suggests_matches(capsys):
    assert main(["growth", "--country", "CHNA"]) == 2
    err = capsys.readouterr().err
    assert "unknown country 'CHNA'" in err and "CHN (China)" in err


def test_country_without_tfp_inputs(capsys):
    assert main(["growth", "--country", "ABW"]) == 2
    assert "has no TFP inputs for ABW" in capsys.readouterr().err


def test_bad_years(capsys):
    assert main(["growth", "--country", "CHN", "--start", "1900"]) == 2
    assert "--start/--end must satisfy 1956 <= start < end <= 2019" in capsys.readouterr().err


def test_help_is_complete(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["growth", "--help"])
    text = capsys.readouterr().out
    for option in ("--country", "--start", "--end", "--breaks", "--base", "--csv", "--plot"):
        assert option in text


def test_countries(capsys):
    assert main(["countries"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("118 countries") and "CHN  1956-2019  China" in out


def test_console_script():
    # the script sits beside the interpreter running the tests (the venv may not be activated)
    beside = Path(sys.executable).parent / "nqpf-tfp"
    exe = str(beside) if beside.exists() else shutil.which("nqpf-tfp")
    assert exe, "the nqpf-tfp entry point is not installed (pip install .)"
    done = subprocess.run([exe, "growth", "--country", "USA", "--start", "2010"], capture_output=True,
                          text=True, check=True)
    assert "United States" in done.stdout


def test_readme_opens_with_the_commands_ci_runs():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```(?:bash|sh)\n(.*?)```", readme, flags=re.S)
    assert block, "README must open with a code block of set-up commands"
    commands = [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]
    assert commands == ['pip install . && nqpf-tfp growth --country CHN', 'pip install ".[test]" && pytest']
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    for command in commands:
        assert command in ci


@pytest.mark.parametrize("args, message", [
    (["--csv", "."], r"--csv \.: is a directory"),
    (["--csv", "no/such/folder/out.csv"], r"--csv no/such/folder/out.csv: the folder no/such/folder does not exist"),
    (["--plot", "tfp.xyz"], r"--plot tfp.xyz: unknown image format 'xyz'; use one of .*png"),
    (["--plot", "tfp"], r"--plot tfp: unknown image format '\(no suffix\)'"),
    (["--plot", "no/such/folder/tfp.png"], r"--plot no/such/folder/tfp.png: the folder no/such/folder does not exist"),
    (["--breaks", "1900", "2000"], r"--breaks 1900: a break must lie strictly between the first and last year, "
                                   r"1956 and 2019"),
    (["--breaks", "2019"], r"--breaks 2019: a break must lie strictly between"),
])
def test_user_mistakes_are_one_line_and_status_2(args, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["growth", "--country", "CHN", *args]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert re.match(r"^nqpf-tfp: error: " + message, err), err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert captured.out == ""  # nothing printed before the mistake was found


def test_a_closed_pipe_ends_quietly():
    # `nqpf-tfp countries | head` with the reader gone before the first line: no traceback, SIGPIPE's status
    read, write = os.pipe()
    os.close(read)
    try:
        run = subprocess.run([sys.executable, "-m", "nqpf_tfp.cli", "countries"], stdout=write,
                             stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(write)
    assert run.returncode == 141 and run.stderr.decode() == ""


# ---------------------------------------------------------------- the jobs on a CSV file
@pytest.fixture(scope="module")
def csv_files(tmp_path_factory):
    import nqpf_tfp as nt

    folder = tmp_path_factory.mktemp("csv")
    nt.datasets.load_chilean().to_csv(folder / "firms.csv", index=False)
    provinces = nt.datasets.load_gtfpch_provinces()
    provinces.assign(lp=provinces.Y / provinces.L, ei=provinces.E / provinces.Y).to_csv(folder / "prov.csv",
                                                                                           index=False)
    return folder


LP = ["--method", "lp", "--output", "Y", "--free", "fX1", "fX2", "--state", "sX", "--proxy", "pX",
      "--entity", "idvar", "--time", "timevar"]


def test_production_prints_the_fit_and_writes_every_observation(csv_files, tmp_path, capsys):
    import nqpf_tfp as nt

    out = tmp_path / "tfp.csv"
    assert main(["production", str(csv_files / "firms.csv"), *LP, "--format", "csv", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    table = pd.read_csv(io.StringIO(captured.out), index_col=0)
    with pytest.warns(nt.errors.ImplausibleTechnologyWarning):  # returns to scale 0.48 on these data
        direct = nt.LevinsohnPetrin(nt.datasets.load_chilean(), "Y", ["fX1", "fX2"], "sX", "pX", entity="idvar",
                                    time="timevar").fit()
    assert np.allclose(table.loc[["fX1", "fX2", "sX"], "coef"], direct.params[["fX1", "fX2", "sX"]], atol=5e-5)
    assert "wrote" in captured.err and "nqpf-tfp: warning (ImplausibleTechnologyWarning)" in captured.err
    frame = pd.read_csv(out)
    assert len(frame) == direct.nobs and np.allclose(frame["tfp"], direct.tfp.to_numpy())


def test_production_latex_table_and_gnr(csv_files, tmp_path, capsys):
    assert main(["production", str(csv_files / "firms.csv"), *LP, "--format", "latex", "--caption",
                 "Levinsohn-Petrin", "--label", "tab:lp"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("\\begin{table}") and "\\caption{Levinsohn-Petrin}" in out and "\\label{tab:lp}" in out
    assert main(["production", str(csv_files / "firms.csv"), *LP, "--flexible", "pX"]) == 2
    assert "GNR's" in capsys.readouterr().err
    assert main(["production", str(csv_files / "firms.csv"), "--method", "gnr", "--output", "Y", "--entity",
                 "idvar", "--time", "timevar"]) == 2
    assert "--method gnr needs --state" in capsys.readouterr().err


def test_frontier_index_and_scores(csv_files, tmp_path, capsys):
    import nqpf_tfp as nt

    assert main(["frontier", str(csv_files / "prov.csv"), "--method", "ml", "--inputs", "K", "L", "E", "--outputs",
                 "Y", "--bad", "CO2", "--entity", "Province", "--time", "year", "--frontier", "global",
                 "--format", "csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), index_col=0)
    direct = nt.frontier.malmquist_luenberger(nt.datasets.load_gtfpch_provinces(), ["K", "L", "E"], "Y", "CO2",
                                              entity="Province", time="year", frontier="global")
    assert np.allclose(table.loc[["2014", "2015"], "tfpch"], direct.by_period()["tfpch"])
    assert main(["frontier", str(csv_files / "prov.csv"), "--method", "sbm", "--inputs", "K", "L", "E", "--outputs",
                 "Y", "--bad", "CO2", "--entity", "Province", "--time", "year", "--period", "2015"]) == 0
    assert "SBM" in capsys.readouterr().out
    assert main(["frontier", str(csv_files / "prov.csv"), "--method", "ebm", "--inputs", "K", "L", "E", "--outputs",
                 "Y", "--bad", "CO2", "--entity", "Province", "--time", "year", "--period", "2015", "--out",
                 str(tmp_path / "ebm.csv")]) == 0
    assert "EBM" in capsys.readouterr().out
    table = pd.read_csv(tmp_path / "ebm.csv")
    provinces = nt.datasets.load_gtfpch_provinces()
    direct = nt.frontier.ebm(provinces[provinces["year"] == 2015], ["K", "L", "E"], "Y", "CO2", entity="Province",
                             time="year")
    assert np.allclose(table["efficiency"], direct.efficiency.to_numpy(), rtol=1e-12)
    assert main(["frontier", str(csv_files / "prov.csv"), "--method", "ml", "--inputs", "K", "L", "E", "--outputs",
                 "Y", "--bad", "CO2", "--entity", "Province", "--time", "year", "--frontier", "global",
                 "--distance", "ebm", "--direction", "all", "--format", "csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), index_col=0)
    direct = nt.frontier.malmquist_luenberger(provinces, ["K", "L", "E"], "Y", "CO2", entity="Province", time="year",
                                              frontier="global", distance="ebm", direction="all")
    assert np.allclose(table.loc[["2014", "2015"], "tfpch"], direct.by_period()["tfpch"])
    assert main(["frontier", str(csv_files / "prov.csv"), "--method", "ml", "--inputs", "K", "--outputs", "Y",
                 "--entity", "Province", "--time", "year", "--period", "2015"]) == 2
    assert "an index compares periods" in capsys.readouterr().err
    assert main(["frontier", str(csv_files / "prov.csv"), "--method", "dea", "--inputs", "K", "--outputs", "Y",
                 "--bad", "CO2", "--entity", "Province", "--time", "year"]) == 2
    assert "dea has no undesirable outputs" in capsys.readouterr().err


def test_composite_index_from_the_command_line(csv_files, tmp_path, capsys):
    import nqpf_tfp as nt

    out = tmp_path / "index.tex"
    assert main(["index", str(csv_files / "prov.csv"), "--indicator", "lp:+:economy", "ei:-:green", "--entity",
                 "Province", "--time", "year", "--weights", "critic", "--score", "topsis", "--out", str(out)]) == 0
    assert "Composite index" in capsys.readouterr().out and out.read_text().startswith("\\begin{table}")
    assert main(["index", str(csv_files / "prov.csv"), "--indicator", "lp:+", "ei:-", "--entity", "Province",
                 "--time", "year", "--format", "csv"]) == 0
    weights = pd.read_csv(io.StringIO(capsys.readouterr().out))
    data = pd.read_csv(csv_files / "prov.csv")
    direct = nt.indices.composite_index(data, {"lp": "+", "ei": "-"}, entity="Province", time="year")
    assert np.allclose(weights["weight"], direct.weights.to_numpy())


@pytest.mark.parametrize("args, message", [
    (["production", "missing.csv", *LP], "missing.csv: no such file"),
    (["production", "{empty}", *LP], "the file is empty"),
    (["production", "{firms}", *LP[:-4], "--entity", "firm", "--time", "timevar"], "'firm'"),
    (["production", "{firms}", *LP, "--out", "tfp.xlsx"], "give a .csv or a .tex file"),
    (["frontier", "{prov}", "--method", "ml", "--inputs", "K", "--outputs", "Y", "--entity", "Province", "--time",
      "year", "--frontier", "globl"], "frontier"),
])
def test_mistakes_in_the_jobs_are_one_line_and_status_2(csv_files, tmp_path, capsys, args, message):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    filled = [a.format(empty=empty, firms=csv_files / "firms.csv", prov=csv_files / "prov.csv") for a in args]
    assert main(filled) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert err[-1].startswith("nqpf-tfp: error: ") and message in err[-1] and captured.out == ""


def test_a_closed_pipe_ends_a_job_quietly(csv_files):
    read, write = os.pipe()
    os.close(read)
    try:
        run = subprocess.run([sys.executable, "-m", "nqpf_tfp.cli", "frontier", str(csv_files / "prov.csv"),
                              "--method", "sbm", "--inputs", "K", "L", "E", "--outputs", "Y", "--entity", "Province",
                              "--time", "year", "--format", "csv"], stdout=write, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(write)
    assert run.returncode == 141 and "Traceback" not in run.stderr.decode()
