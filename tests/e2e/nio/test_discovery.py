"""matrix-nio against the endpoints a client calls before it has an account."""

import unittest

from nio.api import Api
from nio.responses import DiscoveryInfoResponse, ErrorResponse, WhoamiError

from ranvier_server import RanvierTestCase


class DiscoveryTests(RanvierTestCase):
    server_env = {"RANVIER_WELL_KNOWN__CLIENT_BASE_URL": "https://matrix.e2e.example"}

    async def test_discovery_info_reports_the_configured_homeserver(self):
        response = await self.nio_client().discovery_info()
        self.assertIsInstance(response, DiscoveryInfoResponse, str(response))
        self.assertEqual(response.homeserver_url, "https://matrix.e2e.example")

    async def test_whoami_with_a_bogus_token_is_a_whoami_error_with_m_unknown_token(self):
        response = await self.nio_client(access_token="syt_bogus_token").whoami()
        self.assertIsInstance(response, WhoamiError, str(response))
        self.assertEqual(response.status_code, "M_UNKNOWN_TOKEN")

    async def test_an_unknown_endpoint_parses_as_an_m_unrecognized_error(self):
        # nio 0.20 has no typed call for an arbitrary endpoint: send through its transport, parse with its model.
        http = await self.nio_client().send("GET", Api._build_path(["org.ranvier.e2e", "no_such_endpoint"]))
        self.assertEqual(http.status, 404)
        error = ErrorResponse.from_dict(await http.json())
        self.assertEqual(error.status_code, "M_UNRECOGNIZED")


if __name__ == "__main__":
    unittest.main()
