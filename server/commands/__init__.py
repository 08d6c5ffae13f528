"""Subcommands of `denkna`. Each module here defines:

    HELP: str                                   one line for `denkna --help`
    def add_arguments(parser) -> None           its options
    def run(args) -> int                        the exit code

Adding a command is adding a module and one name in server.cli.COMMANDS.
"""
