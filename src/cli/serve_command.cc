// `encore serve`: the HTTP API and the dashboard over a store (src/server, doc/api/http.md).
#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "server/server.h"

namespace encore::cli {

Status ServeStore(const server::ServeOptions& o, const std::string& banner) {
  ENCORE_ASSIGN_OR_RETURN(auto srv, server::Server::Start(o));
  std::printf("%sencore serve: the dashboard is at %s/ and the API at %s/api/v1 (%s)\n",
              banner.c_str(), srv->address().c_str(), srv->address().c_str(),
              o.token.empty() ? "read-only" : "write endpoints need the token");
  if (o.bind != "127.0.0.1" && o.bind != "localhost" && o.bind != "::1")
    std::printf("encore serve: listening on %s: reachable from other machines\n", o.bind.c_str());
  std::printf("Press Ctrl-C to stop.\n");
  std::fflush(stdout);
  return srv->Run(/*signals=*/true);
}

void AddServe(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "serve", "Serve the HTTP JSON API and the web dashboard over a store (doc/api/http.md)");
  auto o = std::make_shared<server::ServeOptions>();
  auto store = std::make_shared<std::string>();
  cmd->add_option("--store", *store, "Store directory (default: $ENCORE_STORE or ./encore-data)");
  cmd->add_option("--bind", o->bind, "Address to listen on (loopback unless told otherwise)")
      ->capture_default_str();
  cmd->add_option("--port", o->port, "Port (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option("--token", o->token,
                  "Enable the write endpoints (ingest upload, catalog import), which then demand "
                  "`Authorization: Bearer TOKEN` (default: $ENCORE_TOKEN; none: read-only)");
  cmd->add_option("--threads", o->threads, "Connections served at once")
      ->check(CLI::Range(2, 1024))
      ->capture_default_str();
  cmd->add_option("--compute", o->compute_slots, "Uncached responses computed at once")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--max-upload", o->max_upload, "Largest upload in bytes (with --token)")
      ->capture_default_str();
  cmd->add_option("--web-root", o->web_root,
                  "Serve the dashboard's files from this folder instead of the built-in ones");
  cmd->add_flag("--quiet", o->quiet, "No request log on stderr");
  cmd->callback([=] {
    *action = [=]() -> Status {
      server::ServeOptions opts = *o;
      opts.store_dir = DefaultStoreDir(*store);
      if (opts.token.empty()) {
        if (const char* t = std::getenv("ENCORE_TOKEN")) opts.token = t;
      }
      if (!opts.token.empty() && opts.token.size() < 16)
        return Status::InvalidArgument("--token must be at least 16 characters");
      return ServeStore(opts, "");
    };
  });
}

}  // namespace encore::cli
