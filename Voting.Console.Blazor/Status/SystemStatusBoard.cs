namespace Voting.Console.Blazor.Status;

/// <summary>The latest status of every service, shared by all circuits; raises <see cref="Changed"/> on each refresh.</summary>
public sealed class SystemStatusBoard
{
    private volatile IReadOnlyList<ServiceStatus> services = [];

    public event Action? Changed;

    public IReadOnlyList<ServiceStatus> Services => services;

    internal void Publish(IReadOnlyList<ServiceStatus> latest)
    {
        services = latest;
        Changed?.Invoke();
    }
}
