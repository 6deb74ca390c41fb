"""The package's import graph, read from its source: layers point one way, no cycle, no private name
used outside the module that defines it (tests included), every public name of 0.1.0 still imports."""

from __future__ import annotations

import ast
import importlib
import warnings
from pathlib import Path

import pytest

import nqpf_tfp
from nqpf_tfp.errors import NqpfTfpDeprecationWarning

ROOT = Path(nqpf_tfp.__file__).parent
TESTS = Path(__file__).parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module: str, path: Path) -> list[tuple[str, str | None, int]]:
    """(imported package module, imported name or None, line) for every import anywhere in the file."""
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out += [(a.name, None, node.lineno) for a in node.names if a.name.startswith("nqpf_tfp")]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, path, node)
            if not target.startswith("nqpf_tfp"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                out.append((sub, None, node.lineno) if sub in MODULES else (target, alias.name, node.lineno))
    return out


GRAPH = {m: sorted({t for t, _, _ in _imports(m, p) if t in MODULES and t != m}) for m, p in MODULES.items()}


def test_the_import_graph_has_no_cycle():
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in GRAPH[m]:
            if state.get(n) == 1:
                pytest.fail("import cycle: " + " -> ".join(stack[stack.index(n):] + [n]))
            if n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in GRAPH:
        if m not in state:
            visit(m)


# lower layers never import higher ones (the package's own __init__ files re-export and are exempt)
FAMILIES = ["nqpf_tfp.growth", "nqpf_tfp.production", "nqpf_tfp.frontier", "nqpf_tfp.analysis", "nqpf_tfp.indices"]
SHARED = ["nqpf_tfp.errors", "nqpf_tfp.options", "nqpf_tfp.arguments", "nqpf_tfp.keywords", "nqpf_tfp.deprecations",
          "nqpf_tfp.tables", "nqpf_tfp.plotting", "nqpf_tfp.results", "nqpf_tfp.comparison", "nqpf_tfp.panel",
          "nqpf_tfp.numerics", "nqpf_tfp.parallel", "nqpf_tfp.data", "nqpf_tfp.quantities", "nqpf_tfp.index_tables"]
LAYERS = [
    ("nqpf_tfp.production.numerics", ["nqpf_tfp.production.gmm", "nqpf_tfp.production.inference",
                                      "nqpf_tfp.production.outofcore", "nqpf_tfp.production.estimators"]),
    ("nqpf_tfp.production.gmm", ["nqpf_tfp.production.outofcore", "nqpf_tfp.production.estimators"]),
    ("nqpf_tfp.production.inference", ["nqpf_tfp.production.outofcore", "nqpf_tfp.production.estimators"]),
    ("nqpf_tfp.production.outofcore", ["nqpf_tfp.production.estimators"]),
    ("nqpf_tfp.production.compat", ["nqpf_tfp.production.gmm", "nqpf_tfp.production.estimators"]),
    # the shared layer knows no family
    *[(shared, FAMILIES + ["nqpf_tfp.cli", "nqpf_tfp.datasets"]) for shared in SHARED],
    ("nqpf_tfp.errors", ["nqpf_tfp."]),
    ("nqpf_tfp.docstrings", ["nqpf_tfp."]),  # documentation helpers import nothing of the package
    ("nqpf_tfp.cli", ["nqpf_tfp.datasets"]),  # the command reads the bundled data through the data layer
    ("nqpf_tfp.numerics", ["nqpf_tfp.parallel", "nqpf_tfp.panel", "nqpf_tfp.data", "nqpf_tfp.results"]),
    ("nqpf_tfp.parallel", ["nqpf_tfp.panel", "nqpf_tfp.results", "nqpf_tfp.data"]),
    ("nqpf_tfp.panel", ["nqpf_tfp.parallel", "nqpf_tfp.results", "nqpf_tfp.data"]),
    # families are siblings: none imports another, except that analysis reads production's fits
    ("nqpf_tfp.growth", [f for f in FAMILIES if f != "nqpf_tfp.growth"]),
    ("nqpf_tfp.production", [f for f in FAMILIES if f != "nqpf_tfp.production"]),
    ("nqpf_tfp.frontier", [f for f in FAMILIES if f != "nqpf_tfp.frontier"]),
    ("nqpf_tfp.indices", [f for f in FAMILIES if f != "nqpf_tfp.indices"]),
    ("nqpf_tfp.analysis", ["nqpf_tfp.growth", "nqpf_tfp.frontier", "nqpf_tfp.indices", "nqpf_tfp.production.gmm",
                           "nqpf_tfp.production.numerics", "nqpf_tfp.production.outofcore",
                           "nqpf_tfp.production.compat"]),
]


def test_the_layer_rules_cover_every_package():
    """Every package and every top-level module of nqpf_tfp is the lower side of some layer rule."""
    covered = {lower for lower, _ in LAYERS}
    top = {m for m in MODULES if m.count(".") == 1} - {"nqpf_tfp.cli", "nqpf_tfp.datasets"}  # the entry points
    subpackages = {m for m, p in MODULES.items() if p.name == "__init__.py" and m != "nqpf_tfp"}
    missing = {m for m in top | subpackages if not any(m == c or m.startswith(c + ".") for c in covered)}
    assert not missing, f"no layer rule for {sorted(missing)}"


@pytest.mark.parametrize("lower, higher", LAYERS)
def test_layers_point_down(lower, higher):
    bad = [(m, t) for m in GRAPH if m == lower or m.startswith(lower + ".")
           for t in GRAPH[m] if any(t.startswith(h) for h in higher)]
    assert not bad, f"{lower} imports a higher layer: {bad}"


def _defined_names(tree: ast.AST) -> set[str]:
    """Names a module defines itself: functions, classes, assignment targets, attributes it assigns."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


NAMEDTUPLE_API = {"_replace", "_asdict", "_fields", "_make"}  # public despite the underscore


#: IPython's display protocol: public by convention although it starts with an underscore
DISPLAY_API = {"_repr_html_"}


def _private(name: str) -> bool:
    return (name.startswith("_") and not (name.startswith("__") and name.endswith("__")) and name not in NAMEDTUPLE_API
            and name not in DISPLAY_API)


def _private_uses(path: Path, module: str | None) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    foreign: set[str] = set()  # names bound to other libraries (their internals are not ours to police)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            foreign |= {(a.asname or a.name).split(".")[0] for a in node.names if not a.name.startswith("nqpf_tfp")}
        elif isinstance(node, ast.ImportFrom) and module is not None:
            if not _resolve(module, path, node).startswith("nqpf_tfp"):
                foreign |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not (node.module or "").startswith("nqpf_tfp"):
            foreign |= {a.asname or a.name for a in node.names}
    if module is not None:
        for target, name, line in _imports(module, path):
            if name and _private(name):
                found.append(f"{path.name}:{line} imports {name} from {target}")
    else:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("nqpf_tfp"):
                found += [f"{path.name}:{node.lineno} imports {a.name}" for a in node.names if _private(a.name)]
    own = _defined_names(tree) if module is not None else set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and _private(node.attr)):
            continue
        value = node.value
        if isinstance(value, ast.Name) and value.id in ("self", "cls"):
            continue
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "super":
            continue
        root = value
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and root.id in foreign:
            continue
        if node.attr not in own:
            found.append(f"{path.name}:{node.lineno} uses .{node.attr}")
    return found


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_private_name_crosses_a_module(module):
    assert not _private_uses(MODULES[module], module)


@pytest.mark.parametrize("path", sorted(TESTS.glob("*.py")), ids=lambda p: p.name)
def test_tests_use_public_or_documented_interfaces(path):
    assert not _private_uses(path, None)


# every public name of nqpf_tfp 0.1.0 (the __all__ lists of its public modules)
PUBLIC_0_1_0 = {
    "nqpf_tfp": ["Panel", "fit_by", "growth_accounting", "GrowthAccounting", "level_accounting", "LevelAccounting",
                 "pwt_tfp", "pwt_hours", "pwt_growth_accounting", "ACF", "GNR", "OLS", "FixedEffects", "OlleyPakes",
                 "LevinsohnPetrin", "Wooldridge", "RobinsonWooldridge", "ProductionResults", "data", "datasets",
                 "growth", "errors", "OPTIONS", "__version__"],
    "nqpf_tfp.data": ["SOURCES", "cache_dir", "is_offline", "load", "sources"],
    "nqpf_tfp.datasets": ["load_pwt", "load_pwt_legend", "simulate_acf", "simulate_gnr", "PWT_VERSION", "PWT_SHA256"],
    "nqpf_tfp.errors": ["NqpfTfpError", "PanelError", "SpecificationError", "EstimationError", "DataSourceError",
                        "NqpfTfpWarning", "DroppedRowsWarning", "ConvergenceWarning"],
    "nqpf_tfp.growth": ["growth_accounting", "GrowthAccounting", "level_accounting", "LevelAccounting", "pwt_tfp",
                        "pwt_hours", "pwt_growth_accounting", "perpetual_inventory", "PIM_PRESETS"],
    "nqpf_tfp.production": ["ACF", "ProductionEstimator", "ProductionResults", "OLS", "FixedEffects", "OlleyPakes",
                            "LevinsohnPetrin", "Wooldridge", "RobinsonWooldridge", "GNR", "fit_by"],
    "nqpf_tfp.options": ["OPTIONS", "check_option"],
    "nqpf_tfp.panel": ["Panel", "Lag", "calendar_lag"],
    "nqpf_tfp.tables": ["SummaryTable"],
    "nqpf_tfp.cli": ["main"],
}

# 0.1.0 module paths that moved: they import with a deprecation warning and still hold their names
MOVED_0_1_0 = {
    "nqpf_tfp.production.acf": ["ACF"],
    "nqpf_tfp.production.base": ["ProductionEstimator", "Estimate"],
    "nqpf_tfp.production.ols": ["OLS", "FixedEffects"],
    "nqpf_tfp.production.control_function": ["OlleyPakes", "LevinsohnPetrin", "first_stage"],
    "nqpf_tfp.production.gnr": ["GNR"],
    "nqpf_tfp.production.wooldridge": ["Wooldridge", "RobinsonWooldridge"],
    "nqpf_tfp.production.basis": ["polynomial", "monomial_table", "production_terms", "translog_elasticities"],
    "nqpf_tfp.production.linalg": ["EntityCrossProducts", "LinearFit", "check_rank", "cluster_meat", "ols"],
    "nqpf_tfp.production.linear_gmm": ["GMMFit", "LinearSystem", "gmm", "gmm_from_sums"],
    "nqpf_tfp.production.markov_gmm": ["GMMCriterion", "MarkovGMM", "distinct_optima", "refine"],
    "nqpf_tfp.production.moments": ["MarkovMoments", "complex_steps"],
    "nqpf_tfp.production.acf_inference": ["sandwich_from_parts", "sandwich_parts", "stacked_sandwich"],
    "nqpf_tfp.production.compat": ["r_optim_bfgs"],
    "nqpf_tfp.production.partitioned": ["dask_client", "is_dask_frame", "fit_acf_partitioned",
                                        "fit_linear_partitioned"],
    "nqpf_tfp.simulations": ["simulate_acf", "simulate_gnr"],
}


@pytest.mark.parametrize("module", sorted(PUBLIC_0_1_0))
def test_every_public_name_of_0_1_0_still_imports(module):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a public path must not warn
        mod = importlib.import_module(module)
    missing = [n for n in PUBLIC_0_1_0[module] if not hasattr(mod, n)]
    assert not missing


@pytest.mark.parametrize("module", sorted(MOVED_0_1_0))
def test_moved_paths_warn_and_still_work(module):
    import sys

    sys.modules.pop(module, None)
    with pytest.warns(NqpfTfpDeprecationWarning, match=f"{module} moved to") as record:
        mod = importlib.import_module(module)
    assert record[0].filename == __file__  # the warning points at the importing line
    missing = [n for n in MOVED_0_1_0[module] if not hasattr(mod, n)]
    assert not missing
