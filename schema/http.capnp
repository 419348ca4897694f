# Outbound HTTP, to the hosts an allow-list names.
@0x81026b8a755d1562;

interface HttpClient {
  # Sends a request to `url` (http or https) and returns the response
  # whole. Fails, without sending anything, for a host not on the
  # allow-list; a redirect is followed only to a host that is.
  request @0 (method :Text, url :Text, headers :List(Header), body :Data)
          -> (status :UInt16, headers :List(Header), body :Data);

  # This client narrowed to `hosts`: names (`api.example.com`), IP
  # addresses, `*.example.com` for the subdomains of a name. Fails for a
  # host this client may not reach itself.
  restrict @1 (hosts :List(Text)) -> (client :HttpClient);

  # The allow-list (`*` alone: any host).
  hosts @2 () -> (hosts :List(Text));
}

struct Header {
  name @0 :Text;
  value @1 :Text;
}
