using Voting.Core.Audit;

namespace Voting.Core.Tests.Audit;

public sealed class PublicErrorTextTests
{
    [Theory]
    [InlineData("Connection refused (127.0.0.1:8545)", "Connection refused ([address])")]
    [InlineData("Connection refused 10.2.3.4", "Connection refused [address]")]
    [InlineData("No such host is known. (chain-node.internal.example.org:8545)", "No such host is known. ([address])")]
    [InlineData("Could not reach http://anvil.voting.svc.cluster.local:8545/rpc?key=secret within 5 s", "Could not reach [address] within 5 s")]
    [InlineData("Error from https://user:pass@node.example.com/ (500)", "Error from [address] (500)")]
    [InlineData("connect to [::1]:8545 failed", "connect to [address] failed")]
    [InlineData("connect to [fd00:1:2::3] failed", "connect to [address] failed")]
    [InlineData("connect to fe80::1ff:fe23:4567:890a failed", "connect to [address] failed")]
    [InlineData("localhost:8545 answered nothing", "[address] answered nothing")]
    [InlineData("Name or service not known (anvil:8545)", "Name or service not known ([address])")]
    [InlineData("redis:6379 refused", "[address] refused")]
    [InlineData("connect to ::ffff:10.0.0.1 failed", "connect to [address] failed")]
    [InlineData("connect to [2001:db8:0:0:0:0:0:1]:8545 failed", "connect to [address] failed")]
    [InlineData("POST http://10.1.2.3:8545/rpc, then gave up", "POST [address], then gave up")]
    public void Network_addresses_are_replaced(string text, string expected) =>
        Assert.Equal(expected, PublicErrorText.Redact(text));

    [Theory]
    [InlineData("Error occurred when trying to send rpc requests(s): eth_getCode (SocketException: Connection refused)")]
    [InlineData("The recorded anchor contract 0x5FbDB2315678afecb367f032d93F642f64180aa3 has no code on chain")]
    [InlineData("Anchor transaction 0x8e3c1f0b2a9d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f (block 1234) is no longer on chain")]
    [InlineData("Not anchored: The log's first 30 leaves hash to ab12, not to the newest checkpoint on chain (size 30)")]
    [InlineData("was not mined within 2 s at 2026-12-07 08:30:15 UTC; fee 1.5 gwei")]
    [InlineData("Version 2.6.1 of the node, nonce 12")]
    [InlineData("Nethereum.JsonRpc.Client::SendAsync failed")]
    [InlineData("[08:30:15] the node answered late")]
    [InlineData("Could not load file or assembly 'Nethereum.Web3, Version=4.19.0.0, Culture=neutral'")]
    [InlineData("at CheckpointService.cs:42 in AnchorAsync")]
    [InlineData("the node answered code:3 (execution reverted)")]
    public void Text_without_a_network_address_is_kept_as_it_is(string text) =>
        Assert.Equal(text, PublicErrorText.Redact(text));
}
