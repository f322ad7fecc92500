using System.Text.Json;
using System.Text.Json.Serialization;

namespace Voting.Core.Ballots;

/// <summary>Source-generated JSON for the messages that cross process boundaries.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(VoteMessage))]
public sealed partial class VotingJsonContext : JsonSerializerContext;
