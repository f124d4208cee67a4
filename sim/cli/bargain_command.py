"""``sim bargain``: the deal zone, bargaining solutions, commitment and coalitions."""

from __future__ import annotations

import argparse

from sim.cli.analysis_args import save_plot
from sim.cli.outputs import check_output
from sim.cli.progress import ProgressBar

__all__ = ["BARGAIN_COMMAND"]


def _bargain_args(parser: argparse.ArgumentParser) -> None:
    from sim.cli.commands import add_set_option

    parser.add_argument("scenario", metavar="FILE", help="scenario file or bundled name")
    add_set_option(parser)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="also draw the payoff plane (.png, .svg or .pdf)"
    )
    parser.add_argument("--force", action="store_true", help="replace an existing output file")
    parser.add_argument(
        "--no-coalitions", action="store_true", help="skip the coalition values (faster)"
    )


def _run_bargain(args: argparse.Namespace) -> int:
    from sim.analysis.bargain import analyse_bargain
    from sim.cli.commands import load_with_overrides
    from sim.report.bargain_json import bargain_document
    from sim.report.bargain_text import bargain_report
    from sim.report.json_out import dumps

    scenario, overrides = load_with_overrides(args)
    if args.output:
        check_output(args.output, force=args.force, inputs=(args.scenario,))
    bar = ProgressBar("bargaining")
    try:
        analysis = analyse_bargain(
            scenario, overrides, coalitions=not args.no_coalitions, progress=bar
        )
    finally:
        bar.close()
    if args.json:
        print(dumps(bargain_document(analysis)))
    else:
        print(bargain_report(analysis), end="")
    save_plot(args, "plot_bargain", analysis)
    return 0


def _command():  # type: ignore[no-untyped-def]
    from sim.cli.commands import Command

    return Command(
        "bargain",
        "the deal zone, bargaining solutions, commitment and coalitions",
        "Bargain over a scenario: every agreement the parties can make (the others respond\n"
        "as the game predicts), the disagreement point, whether a zone of possible\n"
        "agreement is open, the Nash (with power), Kalai-Smorodinsky, egalitarian and\n"
        "utilitarian solutions over lotteries and transfers, alternating offers for two\n"
        "parties, one-sided commitments against the package deal, and coalition values\n"
        "with the Shapley value and the (least) core. Settings come from the file's\n"
        "`negotiation` section (every key optional). Every solution is checked\n"
        "independently before it is shown.",
        "examples:\n  sim bargain missile_shield\n  sim bargain missile_shield --json\n"
        "  sim bargain missile_shield --set deal_value=1 -o deal.png\n"
        "  sim bargain security_council",
        _bargain_args,
        _run_bargain,
    )


BARGAIN_COMMAND = _command
