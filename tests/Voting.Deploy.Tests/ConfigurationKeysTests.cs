namespace Voting.Deploy.Tests;

/// <summary>The reflection behind the <c>Voting__</c> check finds every section and walks keys as the binder does.</summary>
public sealed class ConfigurationKeysTests
{
    private readonly ConfigurationKeys keys = ManifestRules.Real.Keys;

    [Fact]
    public void Every_options_section_of_the_services_is_found()
    {
        string[] expected =
        [
            "Voting:Kafka", "Voting:MySql", "Voting:Redis", "Voting:ClickHouse", "Voting:Chain", "Voting:VoterTokens", "Voting:LookupTokens",
            "Voting:BloomFilter", "Voting:Elections", "Voting:Ingest", "Voting:Processor", "Voting:Results", "Voting:Audit",
            "Voting:Services", "Voting:Console", "Voting:Console:Access", "Voting:Proxies",
        ];

        Assert.All(expected, section => Assert.True(keys.Sections.ContainsKey(section), section));
    }

    [Theory]
    [InlineData("Voting__Kafka__BootstrapServers")]
    [InlineData("Voting__kafka__partitions")]
    [InlineData("Voting__Elections__0__Candidates__2")]
    [InlineData("Voting__Elections__1__StateCandidates__ME__0")]
    [InlineData("Voting__MySql__ShardConnectionStrings__15")]
    [InlineData("Voting__MySql__LogConnectionString")]
    [InlineData("Voting__VoterTokens__SigningKeys__0")]
    [InlineData("Voting__LookupTokens__SigningKeys__0")]
    [InlineData("Voting__Services__Audit")]
    [InlineData("Voting__Console__LagCritical")]
    [InlineData("Voting__Console__Access__Users__0__Roles__1")]
    [InlineData("Voting__Chain__AnchorPrivateKey")]
    [InlineData("Voting__Proxies__TrustedNetworks__0")]
    [InlineData("Voting__Kafka__Security")]
    [InlineData("Voting__Kafka__SslKeyLocation")]
    [InlineData("Voting__Console__Access__NewAddressSignInsPerAccount")]
    public void A_real_key_is_accepted(string variable)
    {
        Assert.Null(keys.Explain(variable));
    }

    [Theory]
    [InlineData("Voting__Kafka__Bootstrap")]
    [InlineData("Voting__Kafka")]
    [InlineData("Voting__Kafka__Partitions__0")]
    [InlineData("Voting__Elections__Id")]
    [InlineData("Voting__Elections__0__Candidates")]
    [InlineData("Voting__MySql__ShardConnectionStrings__four")]
    [InlineData("Voting__Services__Console")]
    [InlineData("Voting__Console__Access__Users__0__Password")]
    [InlineData("Voting__Console__Users__0__Name")]
    [InlineData("Voting__Nothing__Here")]
    [InlineData("Voting__Proxies__TrustedNetwork__0")]
    public void A_key_no_service_binds_is_refused(string variable)
    {
        Assert.NotNull(keys.Explain(variable));
    }
}
