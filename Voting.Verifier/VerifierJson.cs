using System.Text.Json.Serialization;

namespace Voting.Verifier;

/// <summary>Source-generated JSON for what the verifier writes itself (quoted values in its verdicts).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class VerifierJson : JsonSerializerContext;
