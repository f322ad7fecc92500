using System.ComponentModel.DataAnnotations;
using Voting.ServiceDefaults;

namespace Voting.Ingest.Tests;

public sealed class TrustedProxyOptionsTests
{
    [Theory]
    [InlineData("10.0.0.0/8")]
    [InlineData("192.0.2.10/32")]
    [InlineData("fd00::/8")]
    [InlineData(" 10.0.0.0/8 ")]
    public void A_network_in_CIDR_notation_is_accepted(string network)
    {
        var options = new TrustedProxyOptions { TrustedNetworks = [network] };
        Assert.Empty(Validate(options));
        Assert.Equal(System.Net.IPNetwork.Parse(network.Trim()), Assert.Single(options.Networks()));
    }

    [Fact]
    public void A_blank_entry_means_no_proxy()
    {
        var options = new TrustedProxyOptions { TrustedNetworks = ["", "  "] };
        Assert.Empty(Validate(options));
        Assert.Empty(options.Networks());
    }

    [Theory]
    [InlineData("10.0.0.1")] // an address without its prefix length
    [InlineData("10.0.0.1/8")] // host bits set: a mistake, not a network
    [InlineData("10.0.0.0/33")]
    [InlineData("proxy.internal/32")]
    public void Anything_else_is_refused_naming_the_setting_and_the_value(string network)
    {
        var refusal = Assert.Single(Validate(new TrustedProxyOptions { TrustedNetworks = ["10.0.0.0/8", network] }));
        Assert.Equal(
            $"Voting:Proxies:TrustedNetworks: '{network}' is not a network in CIDR notation (such as 10.0.0.0/8, fd00::/8 or 192.0.2.10/32 for one address).",
            refusal.ErrorMessage);
    }

    [Theory]
    [InlineData("0.0.0.0/0", "is wider than a /8")]
    [InlineData("10.0.0.0/7", "is wider than a /8")]
    [InlineData("::/0", "is wider than a /8")]
    [InlineData("2000::/7", "is wider than a /8")]
    [InlineData("::ffff:0:0/96", "holds every IPv4 address (as a dual-stack socket writes them, ::ffff:0:0/96)")]
    [InlineData("::/80", "holds every IPv4 address (as a dual-stack socket writes them, ::ffff:0:0/96)")]
    [InlineData("::ffff:10.0.0.0/103", "is wider than an IPv4 /8 (an IPv4-mapped network needs a prefix of at least 104)")]
    public void A_network_wider_than_a_proxy_s_is_refused_saying_why(string network, string why)
    {
        var refusal = Assert.Single(Validate(new TrustedProxyOptions { TrustedNetworks = [network] }));
        Assert.Equal(
            $"Voting:Proxies:TrustedNetworks: '{network}' {why}: anyone in it could name any client in X-Forwarded-For; list your proxies' own network.",
            refusal.ErrorMessage);
    }

    [Theory]
    [InlineData("10.0.0.0/8")]
    [InlineData("fd00::/8")]
    [InlineData("::ffff:10.0.0.0/104")]
    public void The_widest_networks_allowed(string network) =>
        Assert.Empty(Validate(new TrustedProxyOptions { TrustedNetworks = [network] }));

    [Fact]
    public void With_no_network_the_forwarded_headers_step_forwards_nothing_whoever_adds_it()
    {
        var forwarded = new Microsoft.AspNetCore.Builder.ForwardedHeadersOptions();
        TrustedProxies.Apply(forwarded, new TrustedProxyOptions { TrustedNetworks = [""] });
        Assert.Equal(Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.None, forwarded.ForwardedHeaders);
        Assert.Empty(forwarded.KnownIPNetworks);
        Assert.Empty(forwarded.KnownProxies); // not even loopback, the framework's default

        TrustedProxies.Apply(forwarded, new TrustedProxyOptions { TrustedNetworks = ["10.20.0.0/16"] });
        Assert.Equal(Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor, forwarded.ForwardedHeaders);
        Assert.Equal(System.Net.IPNetwork.Parse("10.20.0.0/16"), Assert.Single(forwarded.KnownIPNetworks));
    }

    private static List<ValidationResult> Validate(TrustedProxyOptions options) => IngestOptionsTests.Validate(options);
}
