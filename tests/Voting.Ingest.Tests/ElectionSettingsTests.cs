namespace Voting.Ingest.Tests;

/// <summary>
/// An election setting that can't be read stops ingest at start, naming it. Bound as a list, the
/// election would be left out without a word, and its voters refused as voting in an unknown election.
/// </summary>
public sealed class ElectionSettingsTests
{
    [Fact]
    public async Task An_opening_time_that_is_no_time_stops_ingest_at_start_naming_the_setting()
    {
        await using var factory = new IngestFactory();
        factory.Settings["Voting:Elections:10:OpensAt"] = "tomorrow morning";

        var refusal = Assert.Throws<InvalidOperationException>(() => factory.CreateClient());

        Assert.StartsWith(
            "Voting:Elections:10: Failed to convert configuration value 'tomorrow morning' at 'Voting:Elections:10:OpensAt' to type 'System.DateTimeOffset'.",
            refusal.Message,
            StringComparison.Ordinal);
    }
}
