"""One module per ``archive`` subcommand."""
