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

    private static List<ValidationResult> Validate(TrustedProxyOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
