using MySqlConnector;
using Voting.Core.Sharding;

namespace Voting.Audit.Tests;

/// <summary>
/// A ballot row without its voter's participation row is what ballot stuffing leaves (a row added with
/// its leaf appended, so the log, the tree and the tallies all agree with it), and what deleting a
/// voter's record to let them vote again leaves. Only the counts of the two kinds of row can show it.
/// </summary>
public sealed class ParticipationAuditTests(AuditFactory factory) : IClassFixture<AuditFactory>
{
    [Fact]
    public async Task A_ballot_row_whose_voter_has_no_participation_row_is_named_by_the_audit()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[0];
        var votes = await factory.RecordVotesAsync(election, 30);
        var clean = await AnchoringTests.RunAuditAsync(client, election);
        Assert.True(clean.Clean, string.Join("; ", clean.Findings.Select(f => $"{f.Kind} at {f.Location}: {f.Detail}")));

        var voter = votes[4];
        var address = ShardRouter.Route(voter.State, voter.Pseudonym);
        await using (var connection = await factory.Shards.OpenShardAsync(address.Database, CancellationToken.None))
        {
            await using var delete = new MySqlCommand(
                $"DELETE FROM `{ShardLayout.ParticipationTable(address.Table)}` WHERE election_id = @e AND pseudonym = @p", connection);
            delete.Parameters.AddWithValue("@e", election);
            delete.Parameters.AddWithValue("@p", voter.Pseudonym);
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }

        var audit = await AnchoringTests.RunAuditAsync(client, election);
        var hour = DateTimeOffset.FromUnixTimeMilliseconds(voter.AcceptedAtUnixMs).UtcDateTime;
        var finding = Assert.Single(audit.Findings);
        Assert.Equal("participation-mismatch", finding.Kind);
        Assert.Equal($"{factory.Shards.DatabaseName(address.Database)} {voter.State} {hour:yyyy-MM-dd HH}:00 UTC", finding.Location);
        Assert.StartsWith("1 ballot row(s) more than voters recorded", finding.Detail, StringComparison.Ordinal);
    }
}
