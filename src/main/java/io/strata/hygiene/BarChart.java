package io.strata.hygiene;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * The geometry of a small bar chart that a page draws as inline SVG (rects and text, no script):
 * each bar's box, its label and its value text, scaled to the largest value. Pure.
 */
public record BarChart(int width, int height, List<Bar> bars) {

    /** One bar: its box and where its label and value text go. */
    public record Bar(String label, long value, String text, int x, int y, int w, int h, int labelX, int labelY,
                      int textX, int textY) {
    }

    /** A labelled value. */
    public record Item(String label, long value) {
    }

    static final int ROW = 22;
    static final int LABEL_WIDTH = 140;
    static final int TEXT_WIDTH = 80;

    /** One row per item, bars growing to the right (bytes per host, per owner). */
    public static BarChart horizontal(List<Item> items, LongFunction<String> text, int width) {
        long max = items.stream().mapToLong(Item::value).max().orElse(0);
        int plot = Math.max(10, width - LABEL_WIDTH - TEXT_WIDTH);
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            int w = max == 0 ? 0 : (int) Math.max(it.value() > 0 ? 1 : 0, Math.round((double) it.value() / max * plot));
            int y = i * ROW + 4;
            bars.add(new Bar(it.label(), it.value(), text.apply(it.value()), LABEL_WIDTH, y, w, ROW - 6, LABEL_WIDTH - 6,
                    y + ROW - 10, LABEL_WIDTH + w + 6, y + ROW - 10));
        }
        return new BarChart(width, Math.max(ROW, items.size() * ROW + 8), List.copyOf(bars));
    }

    /** One column per item, bars growing upwards, labels below (the age histogram). */
    public static BarChart vertical(List<Item> items, LongFunction<String> text, int width, int height) {
        long max = items.stream().mapToLong(Item::value).max().orElse(0);
        int n = Math.max(1, items.size());
        int col = width / n;
        int plot = height - 2 * ROW;
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            int h = max == 0 ? 0 : (int) Math.max(it.value() > 0 ? 1 : 0, Math.round((double) it.value() / max * plot));
            int x = i * col + 6;
            int y = ROW + plot - h;
            bars.add(new Bar(it.label(), it.value(), text.apply(it.value()), x, y, col - 12, h, x + (col - 12) / 2,
                    height - 6, x + (col - 12) / 2, y - 4));
        }
        return new BarChart(width, height, List.copyOf(bars));
    }
}
