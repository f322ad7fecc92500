using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Voting.Infrastructure.Kafka;
using Voting.Infrastructure.MySql;
using Voting.ServiceDefaults;

namespace Voting.Infrastructure.Tests;

/// <summary>Settings that would misbehave quietly at run time are refused at start, with what is wrong.</summary>
public sealed class OptionsValidationTests
{
    private static List<string> Errors(object options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return [.. results.Select(r => r.ErrorMessage!)];
    }

    [Fact]
    public void A_shard_server_numbered_outside_0_to_15_is_refused_instead_of_ignored()
    {
        var options = new MySqlShardOptions
        {
            ConnectionString = "Server=a",
            ShardConnectionStrings = new() { [1] = "Server=b", [16] = "Server=c", [-1] = "Server=d", [3] = " " },
        };

        Assert.Equal(
            ["ShardConnectionStrings has shard -1; shards are numbered 0–15.", "ShardConnectionStrings has shard 16; shards are numbered 0–15.", "ShardConnectionStrings of shard 3 is empty."],
            Errors(options));
        Assert.Empty(Errors(new MySqlShardOptions { ConnectionString = "Server=a", ShardConnectionStrings = new() { [0] = "Server=b", [15] = "Server=c" } }));
    }

    [Fact]
    public void A_session_timeout_below_what_brokers_accept_is_refused()
    {
        Assert.Contains(Errors(new KafkaOptions { BootstrapServers = "127.0.0.1:9092", SessionTimeoutMs = 5_999 }), e => e.Contains("SessionTimeoutMs", StringComparison.Ordinal));
        Assert.DoesNotContain(Errors(new KafkaOptions { BootstrapServers = "127.0.0.1:9092", SessionTimeoutMs = 6_000 }), e => e.Contains("SessionTimeoutMs", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Voting:VoterTokens:ClockSkewSeconds", "86400", "ClockSkewSeconds")]
    [InlineData("Voting:VoterTokens:Issuer", "", "Issuer")]
    public void Voter_token_settings_out_of_range_stop_the_service_at_start(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Voting:VoterTokens:SigningKeys:0"] = Convert.ToBase64String(new byte[32]),
            [key] = value,
        }).Build();

        var refusal = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddVoterAuthentication(configuration));

        Assert.Contains(refusal.Failures, f => f.StartsWith("Voting:VoterTokens: ", StringComparison.Ordinal) && f.Contains(named, StringComparison.Ordinal));
    }
}
