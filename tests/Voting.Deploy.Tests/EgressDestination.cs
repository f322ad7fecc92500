namespace Voting.Deploy.Tests;

/// <summary>
/// Somewhere a pod connects to: a server outside the cluster (<see cref="PodLabels"/> null) or a
/// pod, in the same namespace or one labelled <see cref="NamespaceLabels"/>, at a port (and the
/// container port's name, for policies that name it).
/// </summary>
internal sealed record EgressDestination(
    string What,
    int Port,
    string Protocol = "TCP",
    IReadOnlyDictionary<string, string>? PodLabels = null,
    string? PortName = null,
    bool SameNamespace = true,
    IReadOnlyDictionary<string, string>? NamespaceLabels = null)
{
    /// <summary>A server outside the cluster at <paramref name="port"/>.</summary>
    public static EgressDestination Outside(string what, int port, string protocol = "TCP") => new(what, port, protocol);

    public override string ToString() => $"{What} ({Protocol} {Port})";
}
