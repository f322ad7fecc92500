using System.Net;
using Voting.Ingest.Security;
using Voting.ServiceDefaults;

namespace Voting.Ingest.Tests;

public sealed class ClientKeyTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::")]
    public void A_client_is_its_IPv4_address_or_its_IPv6_slash_64(string address, string key) =>
        Assert.Equal(IPAddress.Parse(key), ClientNetwork.KeyOf(IPAddress.Parse(address)));

    [Theory]
    [InlineData(null)]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("127.0.0.1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("fe80::1")]
    public void No_client_shares_the_key_of_requests_that_are_not_votes(string? address) =>
        Assert.NotEqual(IngestRateLimits.NotAVote, ClientNetwork.KeyOf(address is null ? null : IPAddress.Parse(address)));
}
