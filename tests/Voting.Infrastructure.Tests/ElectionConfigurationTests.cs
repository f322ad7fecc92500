using Microsoft.Extensions.Configuration;
using Voting.Infrastructure.Elections;

namespace Voting.Infrastructure.Tests;

/// <summary>An election setting that can't be read stops the reader, naming it, instead of leaving the election out.</summary>
public sealed class ElectionConfigurationTests
{
    private static readonly Dictionary<string, string?> TwoElections = new()
    {
        ["Voting:Elections:0:Id"] = "us-2028",
        ["Voting:Elections:0:OpensAt"] = "2028-11-07T06:00:00-05:00",
        ["Voting:Elections:0:ClosesAt"] = "2028-11-08T01:00:00-05:00",
        ["Voting:Elections:0:Candidates:0"] = "harper",
        ["Voting:Elections:0:Candidates:1"] = "morgan",
        ["Voting:Elections:0:StateCandidates:ME:0"] = "harper",
        ["Voting:Elections:0:RegisteredVoters:PA"] = "8900000",
        ["Voting:Elections:1:Id"] = "pa-special",
        ["Voting:Elections:1:OpensAt"] = "2028-12-01T07:00:00-05:00",
        ["Voting:Elections:1:ClosesAt"] = "2028-12-01T20:00:00-05:00",
        ["Voting:Elections:1:Candidates:0"] = "lee",
    };

    private static List<ElectionOptions> Read(Dictionary<string, string?> settings) =>
        ElectionConfiguration.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(ElectionOptions.Section));

    private static Dictionary<string, string?> With(string key, string value) => new(TwoElections) { [key] = value };

    [Fact]
    public void Every_election_is_read_in_order_with_its_ballots_and_counts()
    {
        var elections = Read(TwoElections);

        Assert.Equal(["us-2028", "pa-special"], elections.Select(e => e.Id));
        Assert.Equal(["harper", "morgan"], elections[0].Candidates);
        Assert.Equal(["harper"], elections[0].StateCandidates["ME"]);
        Assert.Equal(8_900_000, elections[0].RegisteredVoters["PA"]);
        Assert.Equal(new DateTimeOffset(2028, 12, 1, 12, 0, 0, TimeSpan.Zero), elections[1].OpensAt);
    }

    [Fact]
    public void No_section_is_no_election()
    {
        Assert.Empty(Read([]));
    }

    [Theory]
    [InlineData("Voting:Elections:1:OpensAt", "soon", "Voting:Elections:1: Failed to convert configuration value 'soon' at 'Voting:Elections:1:OpensAt' to type 'System.DateTimeOffset'.")]
    [InlineData("Voting:Elections:0:ClosesAt", "2028-11-31T00:00:00Z", "Voting:Elections:0: Failed to convert configuration value '2028-11-31T00:00:00Z' at 'Voting:Elections:0:ClosesAt'")]
    [InlineData("Voting:Elections:0:RegisteredVoters:PA", "lots", "Voting:Elections:0: Failed to convert configuration value 'lots' at 'Voting:Elections:0:RegisteredVoters:PA' to type 'System.Int64'.")]
    [InlineData("Voting:Elections:1:ClosingAt", "2028-12-01T20:00:00-05:00", "Voting:Elections:1: 'ErrorOnUnknownConfiguration' was set on the provided BinderOptions, but the following properties were not found on the instance of Voting.Infrastructure.Elections.ElectionOptions: 'ClosingAt'")]
    public void A_setting_that_cannot_be_read_is_an_error_naming_it(string key, string value, string expected)
    {
        var settings = With(key, value);
        // What the list binding does with it: one election fewer, or one count fewer, and no error.
        var bound = new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(ElectionOptions.Section).Get<List<ElectionOptions>>()!;
        Assert.True(key.EndsWith("ClosingAt", StringComparison.Ordinal) || bound.Count < 2 || bound[0].RegisteredVoters.Count == 0);

        var refusal = Assert.Throws<InvalidOperationException>(() => Read(settings));

        Assert.StartsWith(expected, refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("binding has failed", refusal.Message, StringComparison.Ordinal);
    }
}
