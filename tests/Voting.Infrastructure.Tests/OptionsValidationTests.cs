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
    /// <summary>The messages options validation at start would give for <paramref name="options"/>.</summary>
    internal static List<string> Errors(object options)
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

    [Fact]
    public void Lookup_token_settings_are_checked_under_their_own_section_and_default_to_results_audience()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Voting:LookupTokens:SigningKeys:0"] = Convert.ToBase64String(new byte[32]),
            ["Voting:LookupTokens:ClockSkewSeconds"] = "86400",
        }).Build();

        var refusal = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddVoterAuthentication(configuration, Identity.VoterTokenOptions.LookupSection));

        Assert.Contains(refusal.Failures, f => f.StartsWith("Voting:LookupTokens: ", StringComparison.Ordinal) && f.Contains("ClockSkewSeconds", StringComparison.Ordinal));
        Assert.Equal("voting-results", Identity.VoterTokenOptions.DefaultsFor(Identity.VoterTokenOptions.LookupSection).Audience);
        Assert.Equal("voting-ingest", Identity.VoterTokenOptions.DefaultsFor(Identity.VoterTokenOptions.Section).Audience);
    }

    [Theory]
    [InlineData("Voting:LookupTokens:Audience", "voting-ingest", "Voting:LookupTokens: Audience is \"voting-ingest\", the audience of the tokens to cast with")]
    [InlineData("Voting:LookupTokens:SigningKeys:1", "CAST", "Voting:LookupTokens: SigningKeys:1 is also a key of Voting:VoterTokens: whoever holds it could mint a token to cast with")]
    [InlineData("Voting:LookupTokens:SigningKeys:1", "CAST WRAPPED", "Voting:LookupTokens: SigningKeys:1 is also a key of Voting:VoterTokens: whoever holds it could mint a token to cast with")]
    public void Lookup_tokens_that_would_be_tokens_to_cast_with_stop_results_at_start(string key, string value, string failure)
    {
        var cast = Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Voting:VoterTokens:SigningKeys:0"] = cast,
            ["Voting:LookupTokens:SigningKeys:0"] = Convert.ToBase64String(new byte[32]),
            [key] = value switch
            {
                "CAST" => cast,
                "CAST WRAPPED" => cast[..20] + "\n" + cast[20..], // the same key, written as a wrapping encoder writes it
                _ => value,
            },
        }).Build();

        var refusal = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddVoterAuthentication(configuration, Identity.VoterTokenOptions.LookupSection));

        Assert.Contains(refusal.Failures, f => f.StartsWith(failure, StringComparison.Ordinal));
        configuration[key] = key.EndsWith("Audience", StringComparison.Ordinal) ? "voting-results" : Convert.ToBase64String(Enumerable.Repeat((byte)8, 32).ToArray());
        new ServiceCollection().AddVoterAuthentication(configuration, Identity.VoterTokenOptions.LookupSection); // the same, told apart: accepted
    }
}
