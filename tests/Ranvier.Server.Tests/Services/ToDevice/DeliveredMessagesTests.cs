using Ranvier.Server.Services.ToDevice;

namespace Ranvier.Server.Tests.Services.ToDevice;

/// <summary>
/// <see cref="DeliveredMessages"/>: a device is asked of the store until its state is known, then only while it has
/// messages out; an acknowledgement that raced a delivery never hides that delivery.
/// </summary>
public sealed class DeliveredMessagesTests
{
    [Fact]
    public void A_device_with_nothing_out_is_not_asked_again_until_a_delivery()
    {
        var inbox = new DeliveredMessages().Of("@a:test", "PHONE");
        inbox.MayAwaitAcknowledgement(out var seen).ShouldBeTrue("not known since the process started");
        inbox.Acknowledged(seen, highestMark: 0);
        inbox.MayAwaitAcknowledgement(out _).ShouldBeFalse();

        inbox.Delivering();
        inbox.Delivered(upto: 7);
        inbox.MayAwaitAcknowledgement(out seen).ShouldBeTrue();
        seen.Mark.ShouldBe(7);
        seen.Known.ShouldBeTrue();

        inbox.Acknowledged(seen, highestMark: 0);
        inbox.MayAwaitAcknowledgement(out _).ShouldBeFalse();
    }

    [Fact]
    public void An_acknowledgement_overtaken_by_a_delivery_leaves_the_delivery_standing()
    {
        var inbox = new DeliveredMessages().Of("@a:test", "PHONE");
        inbox.MayAwaitAcknowledgement(out var seen).ShouldBeTrue();

        // The acknowledgement read the store before the delivery's write, and finishes after it began.
        inbox.Delivering();
        inbox.Acknowledged(seen, highestMark: 0);
        inbox.Delivered(upto: 9);

        inbox.MayAwaitAcknowledgement(out var now).ShouldBeTrue();
        now.Mark.ShouldBe(9);

        // The delivery wrote before the acknowledgement read it, and the acknowledgement finishes last.
        var stale = now;
        inbox.Delivering();
        inbox.Delivered(upto: 12);
        inbox.Acknowledged(stale, highestMark: 0);
        inbox.MayAwaitAcknowledgement(out now).ShouldBeTrue();
        now.Mark.ShouldBe(12);
    }

    [Fact]
    public void Devices_are_apart()
    {
        var messages = new DeliveredMessages();
        var phone = messages.Of("@a:test", "PHONE");
        phone.MayAwaitAcknowledgement(out var seen);
        phone.Acknowledged(seen, 0);

        messages.Of("@a:test", "PHONE").MayAwaitAcknowledgement(out _).ShouldBeFalse();
        messages.Of("@a:test", "LAPTOP").MayAwaitAcknowledgement(out _).ShouldBeTrue();
        messages.Of("@b:test", "PHONE").MayAwaitAcknowledgement(out _).ShouldBeTrue();
    }
}
