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
  cmd->add_option("--compute", o->compute_slots, "Uncached responses computed at once")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  // The limits (doc/api/http.md, "Security and limits").
  cmd->add_option("--max-connections", o->max_connections,
                  "Open connections in all (each is served by a thread of its own)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--max-connections-per-client", o->max_connections_per_client,
                  "Open connections from one IP address")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--max-headers", o->max_headers, "Header fields in a request")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd->add_option("--max-header-bytes", o->max_header_bytes,
                  "A connection's memory for a request's line and headers, in bytes")
      ->check(CLI::Range(size_t{4096}, size_t{1} << 24))
      ->capture_default_str();
  cmd->add_option("--max-uri", o->max_uri, "Bytes of a request's target (path and query)")
      ->check(CLI::Range(size_t{256}, size_t{1} << 24))
      ->capture_default_str();
  cmd->add_option("--max-body", o->max_body, "Largest body of a read endpoint, in bytes")
      ->capture_default_str();
  cmd->add_option("--max-upload", o->max_upload, "Largest ingest upload in bytes (with --token)")
      ->capture_default_str();
  cmd->add_option("--max-catalog", o->max_catalog,
                  "Largest catalog import in bytes (with --token; parsed in memory)")
      ->capture_default_str();
  cmd->add_option("--request-timeout", o->request_timeout_s,
                  "Seconds for a whole request (line, headers, a read endpoint's body), from the "
                  "connection's opening or its previous answer")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  cmd->add_option("--upload-timeout", o->upload_timeout_s,
                  "Seconds for an upload's whole body, from its headers")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  cmd->add_option("--response-timeout", o->response_timeout_s,
                  "Seconds for the client to take a whole answer")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  cmd->add_option("--keep-alive-timeout", o->keep_alive_timeout_s,
                  "Seconds an idle connection is kept (and the longest wait for a client's next "
                  "byte)")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  cmd->add_option("--web-root", o->web_root,
                  "Serve the dashboard's files from this folder instead of the built-in ones");
  cmd->add_option("--frame-ancestors", o->frame_ancestors,
                  "Who may embed the dashboard in a frame: 'self' (pages of this server), 'none', "
                  "or origins such as https://news.example.com (space-separated)")
      ->capture_default_str();
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
