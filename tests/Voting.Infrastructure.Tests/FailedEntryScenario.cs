using System.Security.Cryptography;
using StackExchange.Redis;
using Voting.Infrastructure.Redis;

namespace Voting.Infrastructure.Tests;

/// <summary>
/// A batch's enter script that fails for one filter shard's voter after the voters of other shards
/// took their locks (that shard's filter state is made a list, so reading it fails with WRONGTYPE):
/// the gate must throw and leave none of the batch's voters locked, so that they get in when they try again.
/// </summary>
internal static class FailedEntryScenario
{
    public static async Task RunAsync(IConnectionMultiplexer redis, VoterGate gate, string keyPrefix, string electionId)
    {
        var shape = gate.Shape;
        var offsets = new long[shape.HashCount];
        var byShard = Enumerable.Range(0, 400).Select(_ => RandomNumberGenerator.GetBytes(32)).GroupBy(p => shape.Locate(p, offsets)).ToArray();
        var poisoned = byShard[0].Key;
        // The other shards' voters first: on one server the script takes their locks before it reaches the poisoned one.
        var voters = byShard.Skip(1).SelectMany(g => g.Take(3)).Append(byShard[0].First()).Select(p => new VoterKey(electionId, p)).ToArray();
        Assert.True(voters.Length > 4);

        await gate.SetFilterStateAsync(electionId, VoterFilterState.Ready);
        var database = redis.GetDatabase();
        var stateKey = VoterFilterKeys.State(keyPrefix, electionId, shape, poisoned, module: await gate.BackendAsync() == "module");
        await database.KeyDeleteAsync(stateKey);
        await database.ListLeftPushAsync(stateKey, "not a state");

        await Assert.ThrowsAsync<RedisServerException>(() => gate.EnterAsync(voters, TimeSpan.FromMinutes(5), VoterAttemptLimit.None));

        var locks = new List<RedisKey>();
        foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: $"{keyPrefix}lock:{electionId}:*"))
            {
                locks.Add(key);
            }
        }

        Assert.Empty(locks);
        await database.KeyDeleteAsync(stateKey);
        await gate.SetFilterStateAsync(electionId, VoterFilterState.Ready);
        Assert.All(await gate.EnterAsync(voters, TimeSpan.FromMinutes(5), VoterAttemptLimit.None), e => Assert.Equal(VoterAdmission.New, e.Admission));
    }
}
