-- wrk script for the quote endpoint: POSTs the JSON body in $QUOTE_BODY.
-- The signed headers are passed with -H (see the README, "Load benchmark"); wrk's
-- "Non-2xx or 3xx responses" line counts refused quotes.
wrk.method = "POST"
wrk.body = os.getenv("QUOTE_BODY")
wrk.headers["Content-Type"] = "application/json"
