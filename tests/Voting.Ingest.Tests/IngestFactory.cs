using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Voting.Infrastructure.Identity;
using Voting.Infrastructure.Kafka;
using Voting.TestSupport;

namespace Voting.Ingest.Tests;

/// <summary>
/// The real ingest service against the real local stack, isolated: its own election id (so its own
/// pseudonyms, filter and markers), its own Redis key prefix and its own votes topic.
/// </summary>
public class IngestFactory : WebApplicationFactory<Program>
{
    public IngestFactory()
    {
        ElectionId = LocalStack.UniqueName("election");
        VotesTopic = LocalStack.UniqueName("it_votes");
        KeyPrefix = LocalStack.UniqueName("it") + ":";
        Settings = new Dictionary<string, string?>
        {
            ["Voting:Kafka:VotesTopic"] = VotesTopic,
            ["Voting:Kafka:DeadLetterTopic"] = VotesTopic + ".dlq",
            ["Voting:Redis:KeyPrefix"] = KeyPrefix,
            ["Voting:Ingest:PerVoterPermitsPerMinute"] = "1000",
            // Each factory's election starts with no filter, built at its first vote (a Kafka metadata
            // round trip): on a loaded box that can pass the 2 s a vote waits for it, and a test posting
            // its first vote would get 503 "filter being rebuilt" instead of what it tests.
            ["Voting:Ingest:FilterRebuildWaitMilliseconds"] = "20000",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "None",
            ["Voting:Elections:10:Id"] = ElectionId,
            ["Voting:Elections:10:OpensAt"] = DateTimeOffset.UtcNow.AddDays(-1).ToString("O"),
            ["Voting:Elections:10:ClosesAt"] = DateTimeOffset.UtcNow.AddDays(1).ToString("O"),
            ["Voting:Elections:10:Candidates:0"] = "harper",
            ["Voting:Elections:10:Candidates:1"] = "morgan",
            ["Voting:Elections:10:PseudonymSecret"] = Convert.ToBase64String(PseudonymSecret),
            ["Voting:Elections:11:Id"] = ElectionId + "-closed",
            ["Voting:Elections:11:OpensAt"] = DateTimeOffset.UtcNow.AddDays(-2).ToString("O"),
            ["Voting:Elections:11:ClosesAt"] = DateTimeOffset.UtcNow.AddDays(-1).ToString("O"),
            ["Voting:Elections:11:Candidates:0"] = "harper",
            ["Voting:Elections:11:PseudonymSecret"] = Convert.ToBase64String(PseudonymSecret),
        };
    }

    public static byte[] PseudonymSecret { get; } = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();

    public string ElectionId { get; }

    public string VotesTopic { get; }

    public string KeyPrefix { get; }

    /// <summary>Overrides on top of voting.json + voting.Local.json; change before the first client is created.</summary>
    public Dictionary<string, string?> Settings { get; }

    public KafkaOptions Kafka => LocalStack.Kafka(VotesTopic);

    public VoterTokenIssuer Tokens { get; } = new(LocalStack.Bind<VoterTokenOptions>(VoterTokenOptions.Section), TimeProvider.System);

    public string TokenFor(string voterId, string state = "PA", string? electionId = null) =>
        Tokens.Issue(voterId, state, electionId ?? ElectionId);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(LocalStack.Environment);
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(Settings));
    }
}
