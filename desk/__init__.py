"""The duty desk: the officers' web app (issue 27). A face beside the CLI, calling the same
domain functions and writing the same audit events, with the signed-in officer as actor."""
